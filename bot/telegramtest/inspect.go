package telegramtest

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
)

// What the fault suite (cmd/asnbot/fault_*_test.go) needs besides the rest of the kit: to
// tell whether one update was confirmed, to read a chat's new events without waiting, and two
// kinds of input the other actions do not make.

// Confirmed reports whether the update is no longer pending: confirmed by a later getUpdates
// offset or a 2xx webhook answer, or dropped as a kind the bot did not ask for
// (allowed_updates). It does not wait.
func (s *Server) Confirmed(updateID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := sort.Search(len(s.pending), func(i int) bool { return s.pending[i].id >= updateID })
	return i == len(s.pending) || s.pending[i].id != updateID
}

// Unread returns the bot's sends and edits in u's private chat that Next has not returned
// yet, and marks them read. Unlike Next it does not wait: none is an empty slice.
func (u *User) Unread() []Message {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[u.ID]
	if c == nil || u.cursor >= len(c.events) {
		return nil
	}
	out := append([]Message(nil), c.events[u.cursor:]...)
	u.cursor = len(c.events)
	return out
}

// SendLocation shares a location in the private chat.
func (u *User) SendLocation(lat, lon float64) int64 {
	return u.message(u.privateChat(), func(m *models.Message) string {
		m.Location = &models.Location{Latitude: lat, Longitude: lon}
		return fmt.Sprintf("[location %.4f,%.4f]", lat, lon)
	})
}

// EditText sends an edited_message update: the user changed their earlier message messageID
// to text. A bot that does not ask for edited_message (allowed_updates) never gets it.
func (u *User) EditText(messageID int, text string) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatFor(u.privateChat())
	from := u.model()
	now := int(time.Now().Unix())
	m := &models.Message{ID: messageID, From: &from, Chat: u.privateChat(), Date: now, EditDate: now, Text: text}
	c.log = append(c.log, fmt.Sprintf("user #%d %s edited: %s", messageID, u.FirstName, strconv.Quote(text)))
	return s.enqueueLocked(models.Update{EditedMessage: m})
}
