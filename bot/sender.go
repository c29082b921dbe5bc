package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/bpsdm/asnbot/flows"
)

// ErrUnreachable: the chat refused the message (bot blocked, account deactivated).
var ErrUnreachable = errors.New("chat unreachable")

// ServerError is a 5xx answer from the Bot API, turned into an error before the library reads
// the body, so that it can be retried (the library would report it as an untyped error).
type ServerError struct{ Code int }

func (e *ServerError) Error() string { return "telegram server error " + strconv.Itoa(e.Code) }

// statusClient is the HTTP client given to the library.
type statusClient struct{ c *http.Client }

func (s statusClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := s.c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 500 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		return nil, &ServerError{Code: resp.StatusCode}
	}
	return resp, nil
}

// NewAPI returns the Bot API client for token at baseURL (https://api.telegram.org or a fake).
func NewAPI(baseURL, token string) (*tgbot.Bot, error) {
	b, err := tgbot.New(token, tgbot.WithServerURL(strings.TrimRight(baseURL, "/")), tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(30*time.Second, apiClient()))
	if err != nil {
		return nil, fmt.Errorf("telegram client: %w", err)
	}
	return b, nil
}

// Throttle is the outgoing rate limit shared by replicas.
type Throttle interface {
	// Wait returns once a message to chatID may go; done is called when its send returned.
	Wait(ctx context.Context, chatID int64) (done func(), err error)
	Pause(ctx context.Context, d time.Duration) error
}

// UnreachableMarker records chats that refuse messages.
type UnreachableMarker interface {
	MarkUnreachable(ctx context.Context, chatID int64) error
}

// Sender is the one place every outgoing call goes through: it retries 429 after retry_after
// and 5xx or network errors with backoff, marks 403 chats unreachable, and takes "message is
// not modified" (a double tap) as success.
type Sender struct {
	API *tgbot.Bot
	// JSON, when set, makes the most frequent calls with a JSON body (see JSONClient).
	JSON *JSONClient
	R    *Renderer
	// Certs prints the certificates replies carry (flows.Reply.Certificate).
	Certs       *Certifier
	Unreachable UnreachableMarker
	M           *Metrics
	Log         *slog.Logger
	// Throttle, when set, is shared by every replica: messages the bot sends on its own wait
	// for it, and a 429 pauses it for everyone.
	Throttle Throttle
	// MaxAttempts bounds the tries of one call; Backoff is the first wait after a 5xx.
	MaxAttempts int
	Backoff     time.Duration
}

type errClass int

const (
	classPermanent errClass = iota
	classNotModified
	classRetryAfter
	classTransient
	classForbidden
	classEditGone
)

func classify(err error) (c errClass, wait time.Duration, code int) {
	var tooMany *tgbot.TooManyRequestsError
	var srv *ServerError
	var netErr net.Error
	switch {
	case errors.As(err, &tooMany):
		return classRetryAfter, time.Duration(max(tooMany.RetryAfter, 1)) * time.Second, 429
	case errors.Is(err, tgbot.ErrorForbidden):
		return classForbidden, 0, 403
	case errors.Is(err, tgbot.ErrorBadRequest):
		// The Bot API names these cases only in its description text.
		msg := err.Error()
		switch {
		case strings.Contains(msg, "message is not modified"):
			return classNotModified, 0, 400
		case strings.Contains(msg, "message to edit not found"), strings.Contains(msg, "message can't be edited"):
			return classEditGone, 0, 400
		}
		return classPermanent, 0, 400
	case errors.As(err, &srv):
		return classTransient, 0, srv.Code
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return classPermanent, 0, 0
	case errors.As(err, &netErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return classTransient, 0, 0
	}
	return classPermanent, 0, 0
}

// Call runs one Bot API call with the retry policy. chatID (0 if none) is marked unreachable
// on 403.
func (s *Sender) Call(ctx context.Context, method string, chatID int64, fn func(context.Context) error) error {
	attempts := s.MaxAttempts
	if attempts <= 0 {
		attempts = 5
	}
	backoff := s.Backoff
	if backoff <= 0 {
		backoff = 250 * time.Millisecond
	}
	for attempt := 1; ; attempt++ {
		s.M.apiRequests.WithLabelValues(method).Inc()
		err := fn(ctx)
		if err == nil {
			return nil
		}
		class, wait, code := classify(err)
		s.M.apiErrors.WithLabelValues(method, strconv.Itoa(code)).Inc()
		switch class {
		case classNotModified:
			return nil
		case classForbidden:
			if chatID != 0 && s.Unreachable != nil {
				if err := s.Unreachable.MarkUnreachable(ctx, chatID); err != nil {
					s.Log.Warn("mark unreachable failed", "err", err)
				}
			}
			return ErrUnreachable
		case classRetryAfter:
			if s.Throttle != nil {
				if err := s.Throttle.Pause(ctx, wait); err != nil {
					s.Log.Warn("throttle pause failed", "err", err)
				}
			}
		case classTransient:
			wait = backoff << (attempt - 1)
		default:
			return fmt.Errorf("%s: %w", method, err)
		}
		if attempt >= attempts {
			return fmt.Errorf("%s: gave up after %d attempts: %w", method, attempt, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w", method, ctx.Err())
		case <-t.C:
		}
	}
}

// Deliver sends an Output to chatID. msgID is the message whose button was pressed (0 for a
// typed input): replies marked Edit change it in place.
func (s *Sender) Deliver(ctx context.Context, chatID int64, msgID int, out flows.Output) error {
	for _, rep := range out.Replies {
		err := s.reply(ctx, chatID, msgID, rep)
		if errors.Is(err, ErrUnreachable) {
			return err // nothing more reaches this chat
		}
		if err != nil {
			s.Log.Error("reply failed", "chat", chatID, "key", rep.Text.Key, "err", err)
		}
	}
	return nil
}

func (s *Sender) reply(ctx context.Context, chatID int64, msgID int, rep flows.Reply) error {
	_, err := s.send(ctx, chatID, msgID, rep)
	return err
}

// Post sends a text reply as a new message and returns its id, for a message the bot edits
// later (an announcement's status).
func (s *Sender) Post(ctx context.Context, chatID int64, rep flows.Reply) (int, error) {
	rep.Edit = false
	return s.send(ctx, chatID, 0, rep)
}

// send is reply, and returns the id of the text message sent or edited (0 for a file).
func (s *Sender) send(ctx context.Context, chatID int64, msgID int, rep flows.Reply) (int, error) {
	markup, err := s.R.markup(rep)
	if err != nil {
		return 0, err
	}
	if rep.Certificate != nil {
		if rep.File, err = s.certificateFile(rep); err != nil {
			return 0, fmt.Errorf("print certificate: %w", err)
		}
	}
	if rep.File != nil { // a file may carry buttons too: the calendar file's Google Calendar link
		return 0, s.sendFile(ctx, chatID, rep.File, markup)
	}
	if rep.Photo != nil {
		if rep.Edit && msgID != 0 { // a picture that changes in place: the check-in board's QR
			return msgID, s.editPhoto(ctx, chatID, msgID, rep.Photo, markup)
		}
		return s.sendPhoto(ctx, chatID, rep.Photo, markup)
	}
	text, err := s.R.message(rep)
	if err != nil {
		return 0, err
	}
	text = fitMessage(text)
	// An edit can carry only an inline keyboard; a reply keyboard needs a new message.
	if rep.Edit && msgID != 0 && len(rep.Keyboard) == 0 && !rep.RemoveKeyboard {
		p := &tgbot.EditMessageTextParams{ChatID: chatID, MessageID: msgID, Text: text, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: linkPreview(rep)}
		p.ReplyMarkup = markup
		if markup == nil {
			// Say explicitly that the old buttons go, rather than rely on omission.
			p.ReplyMarkup = inlineMarkup{InlineKeyboard: [][]inlineButton{}}
		}
		err := s.Call(ctx, "editMessageText", chatID, func(ctx context.Context) error {
			if s.JSON != nil {
				return s.JSON.call(ctx, "editMessageText", p, nil)
			}
			_, err := s.API.EditMessageText(ctx, p)
			return err
		})
		if err == nil || !isEditGone(err) {
			return msgID, err
		}
		// The message is too old or gone: send the content as a new message instead.
	}
	p := &tgbot.SendMessageParams{ChatID: chatID, Text: text, ParseMode: models.ParseModeHTML, LinkPreviewOptions: linkPreview(rep)}
	if markup != nil {
		p.ReplyMarkup = markup
	}
	var sent struct {
		ID int `json:"message_id"`
	}
	err = s.Call(ctx, "sendMessage", chatID, func(ctx context.Context) error {
		if s.JSON != nil {
			return s.JSON.call(ctx, "sendMessage", p, &sent)
		}
		m, err := s.API.SendMessage(ctx, p)
		if err == nil {
			sent.ID = m.ID
		}
		return err
	})
	return sent.ID, err
}

// noPreview keeps a message short: a link's preview is shown only when a reply asks for it.
var noPreview = &models.LinkPreviewOptions{IsDisabled: tgbot.True()}

func linkPreview(rep flows.Reply) *models.LinkPreviewOptions {
	if rep.LinkPreview {
		return nil
	}
	return noPreview
}

// Permanent reports whether err is an answer that trying again will not change (a 400).
// Anything else (a network error, Postgres or Redis away) may pass.
func Permanent(err error) bool {
	if err == nil || !errors.Is(err, tgbot.ErrorBadRequest) {
		return false
	}
	c, _, _ := classify(err)
	return c == classPermanent
}

func isEditGone(err error) bool {
	c, _, _ := classify(err)
	return c == classEditGone
}

func (s *Sender) sendFile(ctx context.Context, chatID int64, f *flows.File, markup any) error {
	return s.upload(ctx, "sendDocument", chatID, f, func(ctx context.Context, file models.InputFile, caption string) error {
		_, err := s.API.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: chatID, Document: file, Caption: caption,
			ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
		return err
	})
}

// sendPhoto sends a picture and returns its message's id, for a picture edited later.
func (s *Sender) sendPhoto(ctx context.Context, chatID int64, f *flows.File, markup any) (int, error) {
	var id int
	err := s.upload(ctx, "sendPhoto", chatID, f, func(ctx context.Context, file models.InputFile, caption string) error {
		m, err := s.API.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: chatID, Photo: file, Caption: caption,
			ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
		if err == nil {
			id = m.ID
		}
		return err
	})
	return id, err
}

// editPhoto replaces the picture of message msgID, with its caption and buttons.
func (s *Sender) editPhoto(ctx context.Context, chatID int64, msgID int, f *flows.File, markup any) error {
	caption, err := s.R.HTML(f.Caption)
	if err != nil {
		return err
	}
	err = s.Call(ctx, "editMessageMedia", chatID, func(ctx context.Context) error {
		p := &tgbot.EditMessageMediaParams{ChatID: chatID, MessageID: msgID, ReplyMarkup: markup,
			// A fresh reader per attempt: a retried upload starts from the first byte.
			Media: &models.InputMediaPhoto{Media: "attach://" + f.Name, Caption: caption, ParseMode: models.ParseModeHTML,
				MediaAttachment: bytes.NewReader(f.Content)}}
		if markup == nil {
			p.ReplyMarkup = inlineMarkup{InlineKeyboard: [][]inlineButton{}}
		}
		_, err := s.API.EditMessageMedia(ctx, p)
		return err
	})
	return err // "message is not modified" is success (Call)
}

// upload sends f with its caption through send, under the retry policy.
func (s *Sender) upload(ctx context.Context, method string, chatID int64, f *flows.File,
	send func(ctx context.Context, file models.InputFile, caption string) error) error {
	caption, err := s.R.HTML(f.Caption)
	if err != nil {
		return err
	}
	return s.Call(ctx, method, chatID, func(ctx context.Context) error {
		if f.FileID != "" { // a file Telegram has: sent by its id, nothing uploaded
			return send(ctx, &models.InputFileString{Data: f.FileID}, caption)
		}
		// A fresh reader per attempt: a retried upload starts from the first byte.
		return send(ctx, &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Content)}, caption)
	})
}

// Answer answers a pressed button, with toast as its notice when set. A query that is too old
// to answer is not worth retrying.
func (s *Sender) Answer(ctx context.Context, queryID string, toast flows.Text) {
	p := &tgbot.AnswerCallbackQueryParams{CallbackQueryID: queryID}
	if !toast.IsZero() {
		text, err := s.R.Plain(toast)
		if err != nil {
			s.Log.Error("render toast", "key", toast.Key, "err", err)
		}
		p.Text = text
	}
	err := s.Call(ctx, "answerCallbackQuery", 0, func(ctx context.Context) error {
		if s.JSON != nil {
			return s.JSON.call(ctx, "answerCallbackQuery", p, nil)
		}
		_, err := s.API.AnswerCallbackQuery(ctx, p)
		return err
	})
	if err != nil {
		s.Log.Warn("answer callback failed", "err", err)
	}
}
