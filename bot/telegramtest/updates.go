package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// pendingUpdate is an enqueued update nobody has confirmed yet.
type pendingUpdate struct {
	id       int64
	kind     string // the update's field name: "message", "callback_query", ...
	chat     int64  // webhook ordering key: updates of one chat go one at a time
	body     []byte // JSON, frozen at enqueue time
	inflight bool   // a webhook delivery goroutine owns it
}

// Enqueue adds a raw update and returns its update_id, assigning the next one if
// upd.ID is zero. The chat it comes from becomes known, so the bot may write to it.
func (s *Server) Enqueue(upd models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueueLocked(upd)
}

func (s *Server) enqueueLocked(upd models.Update) int64 {
	if upd.ID == 0 {
		upd.ID = s.nextUpdate
	}
	s.nextUpdate = max(s.nextUpdate, upd.ID+1)
	body, err := json.Marshal(&upd) // by pointer: MaybeInaccessibleMessage marshals on a pointer receiver
	if err != nil {
		s.t.Errorf("telegramtest: marshal update %d: %v", upd.ID, err)
		return upd.ID
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(body, &fields)
	kind := ""
	for k := range fields {
		if k != "update_id" {
			kind = k
		}
	}
	chatID := s.learn(&upd)
	if q := upd.CallbackQuery; q != nil {
		s.queries[q.ID] = &query{userID: q.From.ID}
	}
	u := &pendingUpdate{id: upd.ID, kind: kind, chat: chatID, body: body}
	i := sort.Search(len(s.pending), func(i int) bool { return s.pending[i].id > upd.ID })
	s.pending = slices.Insert(s.pending, i, u)
	s.notify()
	return upd.ID
}

// learn records the chats an update reveals (the bot may then write to them) and
// returns the chat it belongs to.
func (s *Server) learn(upd *models.Update) int64 {
	var m *models.Message
	switch {
	case upd.Message != nil:
		m = upd.Message
	case upd.EditedMessage != nil:
		m = upd.EditedMessage
	case upd.CallbackQuery != nil:
		m = upd.CallbackQuery.Message.Message
		if m == nil {
			s.chatFor(models.Chat{ID: upd.CallbackQuery.From.ID, Type: models.ChatTypePrivate}).known = true
			return upd.CallbackQuery.From.ID
		}
	default:
		return 0
	}
	s.chatFor(m.Chat).known = true
	return m.Chat.ID
}

// confirm forgets every update with id < offset.
func (s *Server) confirm(offset int64) {
	s.pending = slices.DeleteFunc(s.pending, func(u *pendingUpdate) bool { return u.id < offset })
}

// allowedKind applies allowed_updates; an empty list means every kind except the three
// Telegram leaves out by default.
func (s *Server) allowedKind(kind string) bool {
	if len(s.allowed) == 0 {
		return kind != "chat_member" && kind != "message_reaction" && kind != "message_reaction_count"
	}
	return slices.Contains(s.allowed, kind)
}

// setAllowed stores allowed_updates if the request has it; if not, the previous setting stays.
func (s *Server) setAllowed(p params) *apiError {
	if !p.has("allowed_updates") {
		return nil
	}
	var list []string
	if err := json.Unmarshal([]byte(p.str("allowed_updates")), &list); err != nil {
		return badRequest("can't parse allowed updates JSON object")
	}
	s.allowed = list
	return nil
}

func (s *Server) getUpdates(ctx context.Context, p params) (any, *apiError) {
	offset := p.intOr("offset", 0)
	limit := min(max(p.intOr("limit", 100), 1), 100)
	timeout := time.Duration(max(p.intOr("timeout", 0), 0)) * time.Second
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hook.url != "" {
		return nil, errWebhookActive
	}
	if aerr := s.setAllowed(p); aerr != nil {
		return nil, aerr
	}
	s.pollGen++
	gen := s.pollGen
	if offset < 0 { // negative: keep only the last -offset updates
		if n := len(s.pending) + int(offset); n > 0 {
			s.confirm(s.pending[n].id)
		}
	} else {
		s.confirm(offset)
	}
	s.notify() // an older getUpdates still waiting must now lose
	var out []json.RawMessage
	collect := func() bool {
		if s.pollGen != gen || s.hook.url != "" {
			return true
		}
		s.pending = slices.DeleteFunc(s.pending, func(u *pendingUpdate) bool { return !s.allowedKind(u.kind) })
		out = out[:0]
		for _, u := range s.pending {
			if u.id >= offset && int64(len(out)) < limit {
				out = append(out, u.body)
			}
		}
		return len(out) > 0
	}
	s.waitLocked(ctx, timeout, collect)
	switch {
	case s.pollGen != gen:
		return nil, &apiError{code: 409, desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
	case s.hook.url != "":
		return nil, errWebhookActive
	}
	return append([]json.RawMessage{}, out...), nil
}

var errWebhookActive = &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}

// WaitIdle waits (up to 10s) until every enqueued update is confirmed: by a later
// getUpdates offset when polling, by a 2xx answer with a webhook. It fails t otherwise.
func (s *Server) WaitIdle(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.waitLocked(context.Background(), s.wait, func() bool { return len(s.pending) == 0 }) {
		if s.idle == nil {
			return
		}
		// Confirmed is not yet handled for a bot that records updates before it handles
		// them: ask the bot's side too.
		idle := s.idle
		s.mu.Unlock()
		deadline := time.Now().Add(s.wait)
		for !idle() {
			if time.Now().After(deadline) {
				s.mu.Lock()
				t.Fatalf("telegramtest: WaitIdle: updates confirmed but still being handled after %v", s.wait)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		s.mu.Lock()
		return
	}
	mode := "polling: the bot never sent getUpdates with an offset past them"
	if s.hook.url != "" {
		mode = "webhook " + s.hook.url + ": no 2xx answer yet"
		if s.hookErr != "" {
			mode += " (last error: " + s.hookErr + ")"
		}
	}
	var ids []string
	for _, u := range s.pending {
		ids = append(ids, fmt.Sprintf("%d(%s)", u.id, u.kind))
	}
	t.Fatalf("telegramtest: WaitIdle: %d update(s) unconfirmed after %v: %v; %s", len(ids), s.wait, ids, mode)
}
