package telegramtest

import (
	"fmt"
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
	log              []string
	lastSend         time.Time
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
