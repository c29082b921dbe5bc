package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// methods maps lowercase names to the canonical name and handler: Bot API method names
// are case-insensitive.
var methods = map[string]struct {
	name string
	h    handler
}{}

func init() {
	for name, h := range map[string]handler{
		"getMe": (*Server).getMe, "getUpdates": (*Server).getUpdates,
		"setWebhook": (*Server).setWebhook, "deleteWebhook": (*Server).deleteWebhook,
		"getWebhookInfo": (*Server).getWebhookInfo, "sendMessage": (*Server).sendMessage,
		"sendDocument": sendFile("document"), "sendPhoto": sendFile("photo"),
		"editMessageText": (*Server).editMessageText, "editMessageCaption": (*Server).editMessageCaption,
		"editMessageMedia":       (*Server).editMessageMedia,
		"editMessageReplyMarkup": (*Server).editMessageReplyMarkup, "deleteMessage": (*Server).deleteMessage,
		"answerCallbackQuery": (*Server).answerCallbackQuery, "setMyCommands": (*Server).setMyCommands,
		"deleteMyCommands": (*Server).deleteMyCommands, "getMyCommands": (*Server).getMyCommands,
		"getFile": (*Server).getFile, "sendChatAction": (*Server).sendChatAction,
	} {
		methods[strings.ToLower(name)] = struct {
			name string
			h    handler
		}{name, h}
	}
}

// lookupMethod returns the canonical name (the name as sent if unknown) and the handler (nil if unknown).
func lookupMethod(method string) (string, handler) {
	if m, ok := methods[strings.ToLower(method)]; ok {
		return m.name, m.h
	}
	return method, nil
}

func (s *Server) getMe(context.Context, params) (any, *apiError) {
	u := botUser()
	u.CanJoinGroups = true
	return u, nil
}

func (s *Server) sendChatAction(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, aerr := s.reachableChat(p); aerr != nil {
		return nil, aerr
	}
	return true, nil
}

func (s *Server) answerCallbackQuery(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := p.str("callback_query_id")
	q := s.queries[id]
	if q == nil || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	q.answered = true
	s.answers[q.userID] = append(s.answers[q.userID], CallbackAnswer{QueryID: id, Text: p.str("text"), ShowAlert: p.bool("show_alert")})
	s.notify()
	return true, nil
}

// rateCheck enforces WithRateLimits and counts the send. Callers hold s.mu.
func (s *Server) rateCheck(c *chat) *apiError {
	if !s.rateLimits {
		return nil
	}
	now := time.Now()
	s.sendTimes = slices.DeleteFunc(s.sendTimes, func(t time.Time) bool { return now.Sub(t) >= time.Second })
	wait := c.lastSend.Add(time.Second).Sub(now)
	if len(s.sendTimes) >= 30 {
		wait = max(wait, s.sendTimes[0].Add(time.Second).Sub(now))
	}
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		return &apiError{code: 429, desc: fmt.Sprintf("Too Many Requests: retry after %d", secs), retryAfter: secs}
	}
	c.lastSend = now
	s.sendTimes = append(s.sendTimes, now)
	return nil
}

var commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// scopeKey names a command scope as Commands takes it: "default", "all_private_chats",
// "chat:<id>", "chat_administrators:<id>", "chat_member:<chat>:<user>"; a language code
// is appended after a slash ("default/id").
func scopeKey(p params) (string, *apiError) {
	key := "default"
	if raw := p.str("scope"); raw != "" {
		var sc struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
			UserID int64           `json:"user_id"`
		}
		if err := json.Unmarshal([]byte(raw), &sc); err != nil || sc.Type == "" {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
		chatID := strings.Trim(string(sc.ChatID), `"`)
		switch sc.Type {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
			key = sc.Type
		case "chat", "chat_administrators":
			key = sc.Type + ":" + chatID
		case "chat_member":
			key = fmt.Sprintf("chat_member:%s:%d", chatID, sc.UserID)
		default:
			return "", badRequest("wrong BotCommandScope type specified")
		}
	}
	if lang := p.str("language_code"); lang != "" {
		key += "/" + lang
	}
	return key, nil
}

func (s *Server) setMyCommands(_ context.Context, p params) (any, *apiError) {
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(p.str("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, c := range cmds {
		if !commandRE.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(c.Description); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	key, aerr := scopeKey(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[key] = cmds
	return true, nil
}

func (s *Server) deleteMyCommands(_ context.Context, p params) (any, *apiError) {
	key, aerr := scopeKey(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, p params) (any, *apiError) {
	key, aerr := scopeKey(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand{}, s.commands[key]...), nil
}

// Commands returns the last setMyCommands for scope (see scopeKey for the names), nil if none.
func (s *Server) Commands(scope string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[scope])
}

// storedFile is a file the server can hand out by file_id and file_path.
type storedFile struct {
	File
	id, unique, path string
}

// addFile registers f under a fresh file_id. Callers hold s.mu.
func (s *Server) addFile(f File, dir string) *storedFile {
	s.nextFile++
	sf := &storedFile{
		File:   f,
		id:     fmt.Sprintf("BQACAgIAAxkBAAI%06d", s.nextFile),
		unique: fmt.Sprintf("AgAD%06d", s.nextFile),
		path:   fmt.Sprintf("%s/file_%d%s", dir, s.nextFile, path.Ext(f.Name)),
	}
	s.files[sf.id] = sf
	return sf
}

func (s *Server) getFile(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[p.str("file_id")]
	if f == nil {
		return nil, badRequest("invalid file_id")
	}
	return models.File{FileID: f.id, FileUniqueID: f.unique, FileSize: int64(len(f.Content)), FilePath: f.path}, nil
}

// serveFile answers GET /file/bot<token>/<file_path>; rest is what follows "/file/bot".
func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	token, filePath, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	var found *storedFile
	for _, f := range s.files {
		if f.path == filePath {
			found = f
		}
	}
	s.mu.Unlock()
	if token != Token || found == nil {
		writeJSON(w, &apiError{code: 404, desc: "Not Found"}, nil)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(found.Content)
}
