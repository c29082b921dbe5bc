package telegramtest

import (
	"fmt"
	"sort"
	"time"

	"github.com/go-telegram/bot/models"
)

// Message is one of the bot's messages as a test sees it.
type Message struct {
	ID     int
	ChatID int64
	// Text is what the user sees: for parse_mode HTML, tags stripped and entities
	// decoded. Other parse modes are not parsed, so Text equals Raw for them.
	Text           string
	Raw            string // text (or caption) exactly as sent
	ParseMode      string
	Buttons        [][]Button         // inline keyboard
	Keyboard       [][]KeyboardButton // reply keyboard
	RemoveKeyboard bool
	Document       *File
	Photo          *File
	Caption        string // visible caption, like Text
	Edited         bool   // the event is an edit; the fields show the message after it
	Method         string // the call that produced the event, e.g. "editMessageText"
}

// ButtonTexts lists the inline buttons' texts, row by row.
func (m Message) ButtonTexts() []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// Button is an inline keyboard button.
type Button struct{ Text, CallbackData, URL string }

// KeyboardButton is a reply keyboard button.
type KeyboardButton struct {
	Text           string
	RequestContact bool
}

// File is a document or photo: its name and bytes (Content is nil when the bot sent a URL).
type File struct {
	Name    string
	Content []byte
}

// stored is the server's copy of one bot message.
type stored struct {
	Message
	date    int
	file    *storedFile // of Document or Photo
	deleted bool
}

// chat is one conversation: the bot's messages, the events tests read with Next, and a
// transcript for failure dumps.
type chat struct {
	id               int64
	typ              models.ChatType
	title, firstName string
	known            bool // an update came from it, so the bot may write to it
	lastID           int  // message ids are per chat, shared by user and bot messages
	msgs             []*stored
	events           []Message
	said             []said // what users wrote, for Conversation
	log              []string
	lastSend         time.Time
}

// said is a user's message as a chat shows it.
type said struct {
	id   int
	text string
}

// userText is what a chat shows of a user's message: its text or caption, or what it is.
func userText(m *models.Message) string {
	switch {
	case m.Text != "":
		return m.Text
	case m.Contact != nil:
		return "📱 " + m.Contact.PhoneNumber
	case m.Document != nil:
		return "📄 " + m.Document.FileName
	case len(m.Photo) > 0:
		return "🖼 " + m.Caption
	case m.Caption != "":
		return m.Caption
	}
	return "…"
}

// Entry is one message of a conversation: a user's (FromUser, Text) or the bot's as it is now
// (Message, after its edits).
type Entry struct {
	ID       int
	FromUser bool
	Text     string
	Message  Message
}

// Conversation lists a private chat's messages in order, both sides, the bot's as they are
// after their edits and without the deleted ones: what the chat shows (asnbot demo's page).
func (s *Server) Conversation(chatID int64) []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	out := make([]Entry, 0, len(c.msgs)+len(c.said))
	for _, m := range c.said {
		out = append(out, Entry{ID: m.id, FromUser: true, Text: m.text})
	}
	for _, st := range c.msgs {
		if !st.deleted {
			out = append(out, Entry{ID: st.ID, Message: st.Message})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Version counts the changes of the server's chats: a page polls it to know when to reload.
func (s *Server) Version() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.chats {
		n += len(c.events) + len(c.said)
	}
	for _, a := range s.answers {
		n += len(a)
	}
	return n
}

func (s *Server) chatFor(c models.Chat) *chat {
	ch := s.chats[c.ID]
	if ch == nil {
		ch = &chat{id: c.ID, typ: c.Type, title: c.Title, firstName: c.FirstName}
		if ch.typ == "" {
			ch.typ = models.ChatTypePrivate
		}
		s.chats[c.ID] = ch
	}
	return ch
}

func (c *chat) find(id int) *stored {
	for _, st := range c.msgs {
		if st.ID == id && !st.deleted {
			return st
		}
	}
	return nil
}

// record adds an event for Next and a transcript line.
func (c *chat) record(m Message) {
	c.events = append(c.events, m)
	line := fmt.Sprintf("bot  #%d %s: %q", m.ID, m.Method, m.Text+m.Caption)
	if len(m.Buttons) > 0 {
		line += fmt.Sprintf(" buttons %q", m.ButtonTexts())
	}
	if m.Document != nil {
		line += " document " + m.Document.Name
	}
	c.log = append(c.log, line)
}

func botUser() *models.User {
	return &models.User{ID: BotID, IsBot: true, FirstName: BotFirstName, Username: BotUsername}
}

// model is the Bot API Message object for st.
func (c *chat) model(st *stored) *models.Message {
	m := &models.Message{
		ID: st.ID, Date: st.date, From: botUser(), Text: st.Text, Caption: st.Caption,
		Chat: models.Chat{ID: c.id, Type: c.typ, Title: c.title, FirstName: c.firstName},
	}
	if st.Edited {
		m.EditDate = int(time.Now().Unix())
	}
	if len(st.Buttons) > 0 {
		kb := &models.InlineKeyboardMarkup{}
		for _, row := range st.Buttons {
			var r []models.InlineKeyboardButton
			for _, b := range row {
				r = append(r, models.InlineKeyboardButton{Text: b.Text, CallbackData: b.CallbackData, URL: b.URL})
			}
			kb.InlineKeyboard = append(kb.InlineKeyboard, r)
		}
		m.ReplyMarkup = kb
	}
	if f := st.file; f != nil && st.Document != nil {
		m.Document = &models.Document{FileID: f.id, FileUniqueID: f.unique, FileName: f.Name, FileSize: int64(len(f.Content))}
	}
	if f := st.file; f != nil && st.Photo != nil {
		m.Photo = []models.PhotoSize{{FileID: f.id, FileUniqueID: f.unique, Width: 320, Height: 320, FileSize: len(f.Content)}}
	}
	return m
}
