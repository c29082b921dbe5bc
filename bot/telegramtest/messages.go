package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"reflect"
	"strings"
	"time"
	"unicode/utf16"
)

// utf16Len counts like Telegram does: text limits and entity offsets are in UTF-16 units.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// render returns the visible text for raw under parse mode.
func render(raw, mode string) (string, *apiError) {
	switch strings.ToLower(mode) {
	case "":
		return raw, nil
	case "html":
		text, err := parseHTML(raw)
		if err != nil {
			return "", badRequest("can't parse entities: " + err.Error())
		}
		return text, nil
	case "markdown", "markdownv2":
		return raw, nil // not parsed: our bot speaks HTML
	}
	return "", badRequest("unsupported parse_mode")
}

// renderText renders a message text and applies the emptiness and length rules.
func renderText(p params) (string, *apiError) {
	text, aerr := render(p.str("text"), p.str("parse_mode"))
	switch {
	case aerr != nil:
		return "", aerr
	case strings.TrimSpace(text) == "":
		return "", badRequest("message text is empty")
	case utf16Len(text) > 4096:
		return "", badRequest("message is too long")
	}
	return text, nil
}

func renderCaption(p params) (string, *apiError) {
	text, aerr := render(p.str("caption"), p.str("parse_mode"))
	if aerr == nil && utf16Len(text) > 1024 {
		return "", badRequest("message caption is too long")
	}
	return text, aerr
}

func (s *Server) sendMessage(_ context.Context, p params) (any, *apiError) {
	text, aerr := renderText(p)
	if aerr != nil {
		return nil, aerr
	}
	m := Message{Text: text, Raw: p.str("text"), ParseMode: p.str("parse_mode"), Method: "sendMessage"}
	if aerr := m.setMarkup(p.str("reply_markup"), false); aerr != nil {
		return nil, aerr
	}
	return s.send(p, &stored{Message: m})
}

// sendFile handles sendDocument ("document") and sendPhoto ("photo"): an upload, a
// file_id the server issued, or an HTTP URL.
func sendFile(field string) handler {
	return func(s *Server, _ context.Context, p params) (any, *apiError) {
		f, uploaded := p.files[field]
		if !uploaded {
			ref := p.str(field)
			if ref == "" {
				return nil, badRequest("there is no " + field + " in the request")
			}
			s.mu.Lock()
			known := s.files[ref]
			s.mu.Unlock()
			u, err := url.Parse(ref)
			switch {
			case known != nil:
				f = known.File
			case err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
				f = File{Name: path.Base(u.Path)}
			default:
				return nil, badRequest("wrong file identifier/HTTP URL specified")
			}
		}
		caption, aerr := renderCaption(p)
		if aerr != nil {
			return nil, aerr
		}
		m := Message{Caption: caption, Raw: p.str("caption"), ParseMode: p.str("parse_mode"), Method: "send" + strings.ToUpper(field[:1]) + field[1:]}
		if field == "photo" {
			m.Photo = &f
		} else {
			m.Document = &f
		}
		if aerr := m.setMarkup(p.str("reply_markup"), false); aerr != nil {
			return nil, aerr
		}
		return s.send(p, &stored{Message: m})
	}
}

// chatParam reads chat_id; anything but a number is a chat we cannot know.
func chatParam(p params) (int64, *apiError) {
	if p.str("chat_id") == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, ok := p.int64("chat_id")
	if !ok {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// knownChat finds the chat a request targets. Callers hold s.mu.
func (s *Server) knownChat(p params) (*chat, *apiError) {
	id, aerr := chatParam(p)
	if aerr != nil {
		return nil, aerr
	}
	c := s.chats[id]
	if c == nil || !c.known {
		return nil, badRequest("chat not found")
	}
	return c, nil
}

// reachableChat is the chat a call names, if the bot may write to it: known, and not blocked
// by its user (403, as Telegram answers). The caller holds s.mu.
func (s *Server) reachableChat(p params) (*chat, *apiError) {
	c, aerr := s.knownChat(p)
	if aerr != nil {
		return nil, aerr
	}
	if u := s.users[c.id]; u != nil && u.blocked {
		return nil, &apiError{code: 403, desc: "Forbidden: bot was blocked by the user"}
	}
	return c, nil
}

// send stores a new bot message after the chat, block and flood checks.
func (s *Server) send(p params, st *stored) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.reachableChat(p)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.rateCheck(c); aerr != nil {
		return nil, aerr
	}
	if f := st.Document; f != nil {
		st.file = s.addFile(*f, "documents")
	}
	if f := st.Photo; f != nil {
		st.file = s.addFile(*f, "photos")
	}
	c.lastID++
	st.ID, st.ChatID, st.date = c.lastID, c.id, int(time.Now().Unix())
	c.msgs = append(c.msgs, st)
	c.record(st.Message)
	s.checkKeyboard(st.Message)
	s.notify()
	return c.model(st), nil
}

// botMessage finds the chat and the bot's message (nil if there is none) a call names by
// chat_id and message_id. The caller holds s.mu.
func (s *Server) botMessage(p params) (c *chat, id int64, st *stored, aerr *apiError) {
	if c, aerr = s.knownChat(p); aerr != nil {
		return nil, 0, nil, aerr
	}
	id, _ = p.int64("message_id")
	return c, id, c.find(int(id)), nil
}

// edit applies change to a bot message, refusing edits that change nothing.
func (s *Server) edit(p params, method string, change func(m *Message) *apiError) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, _, st, aerr := s.botMessage(p)
	if aerr != nil {
		return nil, aerr
	}
	if st == nil {
		return nil, badRequest("message to edit not found")
	}
	next := st.Message
	if aerr := change(&next); aerr != nil {
		return nil, aerr
	}
	if next.Text == st.Text && next.Raw == st.Raw && next.Caption == st.Caption &&
		reflect.DeepEqual(next.Photo, st.Photo) && reflect.DeepEqual(next.Document, st.Document) &&
		(len(next.Buttons) == 0 && len(st.Buttons) == 0 || reflect.DeepEqual(next.Buttons, st.Buttons)) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	next.Edited, next.Method = true, method
	st.Message = next
	c.record(next)
	s.checkKeyboard(next)
	s.notify()
	return c.model(st), nil
}

func (s *Server) editMessageText(_ context.Context, p params) (any, *apiError) {
	text, aerr := renderText(p)
	if aerr != nil {
		return nil, aerr
	}
	return s.edit(p, "editMessageText", func(m *Message) *apiError {
		if m.Document != nil || m.Photo != nil {
			return badRequest("there is no text in the message to edit")
		}
		m.Text, m.Raw, m.ParseMode = text, p.str("text"), p.str("parse_mode")
		return m.setMarkup(p.str("reply_markup"), true) // omitted markup removes the keyboard, as in Telegram
	})
}

func (s *Server) editMessageCaption(_ context.Context, p params) (any, *apiError) {
	caption, aerr := renderCaption(p)
	if aerr != nil {
		return nil, aerr
	}
	return s.edit(p, "editMessageCaption", func(m *Message) *apiError {
		if m.Document == nil && m.Photo == nil {
			return badRequest("there is no caption in the message to edit")
		}
		m.Caption, m.Raw, m.ParseMode = caption, p.str("caption"), p.str("parse_mode")
		return m.setMarkup(p.str("reply_markup"), true)
	})
}

// editMessageMedia replaces a photo or document with a new one: media is an InputMedia
// object whose "media" is "attach://<part>" (an upload in the same request), a file_id the
// server issued, or an HTTP URL; its caption replaces the old one, as in Telegram.
func (s *Server) editMessageMedia(_ context.Context, p params) (any, *apiError) {
	var media struct {
		Type      string `json:"type"`
		Media     string `json:"media"`
		Caption   string `json:"caption"`
		ParseMode string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(p.str("media")), &media); err != nil || media.Media == "" {
		return nil, badRequest("can't parse InputMedia: media is not specified")
	}
	if media.Type != "photo" && media.Type != "document" {
		return nil, badRequest("unsupported media type " + media.Type)
	}
	var f File
	if part, ok := strings.CutPrefix(media.Media, "attach://"); ok {
		up, found := p.files[part]
		if !found {
			return nil, badRequest("can't find attached file " + part)
		}
		f = up
	} else {
		s.mu.Lock()
		known := s.files[media.Media]
		s.mu.Unlock()
		if known == nil {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		f = known.File
	}
	caption, aerr := render(media.Caption, media.ParseMode)
	if aerr != nil {
		return nil, aerr
	}
	return s.edit(p, "editMessageMedia", func(m *Message) *apiError {
		if m.Document == nil && m.Photo == nil {
			return badRequest("there is no media in the message to edit")
		}
		if media.Type == "photo" {
			m.Photo, m.Document = &f, nil
		} else {
			m.Document, m.Photo = &f, nil
		}
		m.Caption, m.Raw, m.ParseMode = caption, media.Caption, media.ParseMode
		return m.setMarkup(p.str("reply_markup"), true)
	})
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p params) (any, *apiError) {
	return s.edit(p, "editMessageReplyMarkup", func(m *Message) *apiError {
		return m.setMarkup(p.str("reply_markup"), true)
	})
}

func (s *Server) deleteMessage(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, id, st, aerr := s.botMessage(p)
	if aerr != nil {
		return nil, aerr
	}
	if st != nil {
		st.deleted = true
		c.log = append(c.log, fmt.Sprintf("bot  #%d deleted", id))
		s.notify()
		return true, nil
	}
	if id > 0 && int(id) <= c.lastID && !c.isBots(int(id)) { // a user's message: the bot may delete it
		return true, nil
	}
	return nil, badRequest("message to delete not found")
}

func (c *chat) isBots(id int) bool {
	for _, st := range c.msgs {
		if st.ID == id {
			return true
		}
	}
	return false
}
