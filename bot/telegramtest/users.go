package telegramtest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// User is a person talking to the bot. Their private chat has the same id as the user.
// Each action enqueues one update and returns its update_id.
type User struct {
	ID        int64
	FirstName string
	s         *Server
	cursor    int  // events of the private chat already returned by Next; guarded by s.mu
	blocked   bool // guarded by s.mu

	// Username is the @username the user's updates carry (without the @); set it before
	// the user's first action.
	Username string
}

// CallbackAnswer is one answerCallbackQuery call.
type CallbackAnswer struct {
	QueryID, Text string
	ShowAlert     bool
}

// query is a callback query the bot has yet to answer, or has answered.
type query struct {
	userID   int64
	answered bool
}

// User returns the user with this id, creating them on first use; the same id returns
// the same *User.
func (s *Server) User(id int64, firstName string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[id]; u != nil {
		return u
	}
	u := &User{ID: id, FirstName: firstName, s: s}
	s.users[id] = u
	return u
}

func (u *User) model() models.User {
	return models.User{ID: u.ID, FirstName: u.FirstName, Username: u.Username, LanguageCode: "id"}
}

func (u *User) privateChat() models.Chat {
	return models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName}
}

// message enqueues a message from u in chat; fill sets its content and returns a
// transcript line.
func (u *User) message(in models.Chat, fill func(m *models.Message) string) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatFor(in)
	c.lastID++
	from := u.model()
	m := &models.Message{ID: c.lastID, From: &from, Chat: in, Date: int(time.Now().Unix())}
	c.log = append(c.log, fmt.Sprintf("user #%d %s: %s", m.ID, u.FirstName, fill(m)))
	c.said = append(c.said, said{id: m.ID, text: userText(m)})
	return s.enqueueLocked(models.Update{Message: m})
}

func textMessage(text string) func(m *models.Message) string {
	return func(m *models.Message) string {
		m.Text = text
		if cmd, ok := strings.CutPrefix(text, "/"); ok && cmd != "" {
			name, _, _ := strings.Cut(text, " ")
			name, _, _ = strings.Cut(name, "\n")
			m.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: utf16Len(name)}}
		}
		return strconv.Quote(text)
	}
}

// Send sends a text message in the private chat; a leading /command gets a bot_command entity.
func (u *User) Send(text string) int64 { return u.message(u.privateChat(), textMessage(text)) }

// SendInGroup sends a text message in a group chat. Group ids are negative; a positive
// groupID is negated so the chat is still a valid group.
func (u *User) SendInGroup(groupID int64, text string) int64 {
	if groupID > 0 {
		groupID = -groupID
	}
	g := models.Chat{ID: groupID, Type: models.ChatTypeGroup, Title: fmt.Sprintf("Group %d", -groupID)}
	return u.message(g, textMessage(text))
}

// ShareContact shares u's own contact card (contact.user_id == u.ID).
func (u *User) ShareContact(phone string) int64 { return u.ShareContactOf(phone, u.ID) }

// ShareContactOf shares someone else's contact card, as a user can forge.
func (u *User) ShareContactOf(phone string, userID int64) int64 {
	name := "Kontak"
	u.s.mu.Lock()
	if other := u.s.users[userID]; other != nil {
		name = other.FirstName
	}
	u.s.mu.Unlock()
	return u.message(u.privateChat(), func(m *models.Message) string {
		m.Contact = &models.Contact{PhoneNumber: phone, FirstName: name, UserID: userID}
		return fmt.Sprintf("[contact %s of user %d]", phone, userID)
	})
}

// SendSticker sends a sticker.
func (u *User) SendSticker() int64 {
	return u.message(u.privateChat(), func(m *models.Message) string {
		m.Sticker = &models.Sticker{FileID: "sticker-1", FileUniqueID: "usticker-1", Type: "regular", Width: 512, Height: 512, Emoji: "👍"}
		return "[sticker]"
	})
}

// SendPhoto sends a photo (a few placeholder bytes, served by getFile).
func (u *User) SendPhoto() int64 { return u.SendPhotoCaption("") }

// SendDocument sends a document; the bot can then fetch it with getFile and
// GET /file/bot<token>/<file_path>.
func (u *User) SendDocument(fileName string, content []byte) int64 {
	return u.SendDocumentCaption(fileName, content, "")
}

// Press presses the inline button labelled buttonText on msg as the message is now
// (after later edits). It fails t, listing the buttons there are, if there is none.
func (u *User) Press(t testing.TB, msg Message, buttonText string) int64 {
	t.Helper()
	s := u.s
	s.mu.Lock()
	var st *stored
	if c := s.chats[msg.ChatID]; c != nil {
		st = c.find(msg.ID)
	}
	if st == nil {
		s.mu.Unlock()
		t.Fatalf("telegramtest: Press(%q): message %d in chat %d does not exist (deleted?)", buttonText, msg.ID, msg.ChatID)
		return 0
	}
	cur := st.Message
	s.mu.Unlock()
	for _, row := range cur.Buttons {
		for _, b := range row {
			if b.Text == buttonText && b.CallbackData != "" {
				return u.PressData(msg, b.CallbackData)
			}
		}
	}
	t.Fatalf("telegramtest: Press(%q): no such callback button on message %d; buttons: %q", buttonText, msg.ID, cur.ButtonTexts())
	return 0
}

// PressData sends a callback_query with arbitrary data on msg, as an old or forged
// button would. The query's message is msg as it is now, or as given if it is gone.
func (u *User) PressData(msg Message, data string) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatFor(models.Chat{ID: msg.ChatID})
	st := c.find(msg.ID)
	if st == nil {
		st = &stored{Message: msg, date: int(time.Now().Unix())}
	}
	s.nextQuery++
	c.log = append(c.log, fmt.Sprintf("user      %s pressed %q on #%d", u.FirstName, data, msg.ID))
	return s.enqueueLocked(models.Update{CallbackQuery: &models.CallbackQuery{
		ID:           strconv.FormatInt(s.nextQuery, 10),
		From:         u.model(),
		Message:      models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: c.model(st)},
		ChatInstance: strconv.FormatInt(msg.ChatID*7+1, 10),
		Data:         data,
	}})
}

// Next waits (up to 10s) for the bot's next send or edit in u's private chat and
// returns it. On timeout it fails t with the chat's transcript.
func (u *User) Next(t testing.TB) Message {
	t.Helper()
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.waitLocked(context.Background(), s.wait, func() bool {
		c := s.chats[u.ID]
		return c != nil && u.cursor < len(c.events)
	})
	if !ok {
		t.Fatalf("telegramtest: %s (%d) got no new message from the bot within %v\n%s", u.FirstName, u.ID, s.wait, s.dumpLocked(u))
		return Message{}
	}
	m := s.chats[u.ID].events[u.cursor]
	u.cursor++
	return m
}

func (s *Server) dumpLocked(u *User) string {
	c := s.chats[u.ID]
	if c == nil {
		return "  (the chat is empty)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "chat %d so far (%d of %d bot events already read):\n", c.id, u.cursor, len(c.events))
	for _, l := range c.log {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// Messages returns the bot's messages in u's private chat as they are now: edits
// applied, deletions removed.
func (u *User) Messages() []Message { return u.s.ChatMessages(u.ID) }

// ChatMessages is Messages for any chat, e.g. a group.
func (s *Server) ChatMessages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	if c := s.chats[chatID]; c != nil {
		for _, st := range c.msgs {
			if !st.deleted {
				out = append(out, st.Message)
			}
		}
	}
	return out
}

// Last returns the bot's latest message in u's chat as it is now (zero if none).
func (u *User) Last() Message {
	msgs := u.Messages()
	if len(msgs) == 0 {
		return Message{}
	}
	return msgs[len(msgs)-1]
}

// CallbackAnswers returns the answerCallbackQuery calls for u's queries, in order.
func (u *User) CallbackAnswers() []CallbackAnswer {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	return append([]CallbackAnswer(nil), u.s.answers[u.ID]...)
}

// Block makes u block the bot: sends to u's chat then get 403.
func (u *User) Block() {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	u.blocked = true
	u.s.chatFor(u.privateChat()).log = append(u.s.chatFor(u.privateChat()).log, "user      blocked the bot")
}

// SendFormatted sends text with formatting entities (bold, links, ...), as a Telegram app
// sends what the user formatted.
func (u *User) SendFormatted(text string, entities []models.MessageEntity) int64 {
	return u.message(u.privateChat(), func(m *models.Message) string {
		m.Text, m.Entities = text, entities
		return strconv.Quote(text) + " (formatted)"
	})
}

// SendPhotoCaption sends a photo with a caption.
func (u *User) SendPhotoCaption(caption string) int64 {
	return u.message(u.privateChat(), func(m *models.Message) string {
		f := u.s.addFile(File{Name: "photo.jpg", Content: []byte("fake-jpeg")}, "photos")
		m.Photo = []models.PhotoSize{{FileID: f.id + "-small", FileUniqueID: f.unique + "-small", Width: 90, Height: 90},
			{FileID: f.id, FileUniqueID: f.unique, Width: 320, Height: 320, FileSize: len(f.Content)}}
		m.Caption = caption
		return "[photo]" + quoted(caption)
	})
}

// quoted is a caption as the transcript shows it: nothing when there is none.
func quoted(caption string) string {
	if caption == "" {
		return ""
	}
	return " " + strconv.Quote(caption)
}

// SendDocumentCaption sends a document with a caption.
func (u *User) SendDocumentCaption(fileName string, content []byte, caption string) int64 {
	return u.message(u.privateChat(), func(m *models.Message) string {
		f := u.s.addFile(File{Name: fileName, Content: content}, "documents")
		m.Document = &models.Document{FileID: f.id, FileUniqueID: f.unique, FileName: fileName, FileSize: int64(len(content))}
		m.Caption = caption
		return "[document " + fileName + "]" + quoted(caption)
	})
}

// Forward forwards to the bot a text message that from wrote; hidden forwards it as from an
// account that hides itself in forwards.
func (u *User) Forward(from *User, text string, hidden bool) int64 {
	return u.message(u.privateChat(), func(m *models.Message) string {
		m.Text = text
		if hidden {
			m.ForwardOrigin = &models.MessageOrigin{Type: models.MessageOriginTypeHiddenUser,
				MessageOriginHiddenUser: &models.MessageOriginHiddenUser{Type: models.MessageOriginTypeHiddenUser, SenderUserName: from.FirstName}}
		} else {
			fm := from.model()
			m.ForwardOrigin = &models.MessageOrigin{Type: models.MessageOriginTypeUser,
				MessageOriginUser: &models.MessageOriginUser{Type: models.MessageOriginTypeUser, SenderUser: fm}}
		}
		return fmt.Sprintf("[forwarded from %s] %q", from.FirstName, text)
	})
}

// OpenChat makes u's private chat one the bot may write to, as if u had written long ago,
// without an update: for tests where the bot writes first (reminders, announcements).
func (u *User) OpenChat() {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	u.s.chatFor(u.privateChat()).known = true
}
