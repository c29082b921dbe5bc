package flows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
)

// Store is every record the conversations read and write, in Postgres.
type Store interface {
	Participants
	Courses
	Enrolments
	Seats
	Attendances
	Ledger
	JPRecaps
	JPNudges
	Admin
	Surveys
	Staff
	Announcements
	Claims
	Certificates
	Externals
}

// Config wires an Engine.
type Config struct {
	Store  Store
	States StateStore
	// Files fetches what users send (an admin's catalogue file).
	Files Files
	// Now is the clock; tests move it instead of waiting.
	Now func() time.Time
	// Admins are the Telegram user ids with admin rights from the start.
	Admins []int64
	// Zone is the agency's time zone, for times that belong to no batch; WIB when nil.
	Zone *time.Location
	// Reminders are the reminders a seat gets, as /pengingat describes them.
	Reminders []ReminderRule
	// BotUsername makes the links that open the bot (t.me/<username>?start=...).
	BotUsername string
}

// Engine runs every conversation. It is stateless between calls: what a chat is doing lives in
// the StateStore, so any replica can take the next update and a restart loses nothing.
type Engine struct {
	store  Store
	states StateStore
	files  Files
	zone   *time.Location
	now    func() time.Time
	admins map[int64]bool
	rules  []ReminderRule
	routes table
	// username is the bot's, for t.me links.
	username string
}

// New returns an Engine.
func New(cfg Config) *Engine {
	e := &Engine{store: cfg.Store, states: cfg.States, files: cfg.Files, zone: cfg.Zone,
		now: cfg.Now, admins: map[int64]bool{}, rules: cfg.Reminders, routes: routes(), username: cfg.BotUsername}
	if len(e.rules) == 0 {
		e.rules = DefaultReminders
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.zone == nil {
		e.zone = asn.WIB
	}
	for _, id := range cfg.Admins {
		e.admins[id] = true
	}
	return e
}

// conv is one Input being handled: the state it found, the state it leaves, what it says.
type conv struct {
	ctx   context.Context
	e     *Engine
	in    Input
	data  data // the pressed button's callback data
	st    State
	dirty bool
	p     *Participant // nil when the user has no profile
	out   Output

	myRole   Role // read on first need (role)
	roleRead bool
	fault    error // a fault met while routing

	takenNIP string // a NIP typed that another account holds
}

func (c *conv) say(r Reply)      { c.out.Say(r) }
func (c *conv) toast(t Text)     { c.out.Toast = t }
func (c *conv) set(s State)      { s.Version = stateVersion; c.st = s; c.dirty = true }
func (c *conv) clear()           { c.st = State{}; c.dirty = true }
func (c *conv) registered() bool { return c.p != nil }
func (c *conv) callback() bool   { return c.in.Kind == KindCallback }

// expired answers a button that belongs to a finished conversation or a changed record.
func (c *conv) expired() error {
	c.toast(T("tombol.kedaluwarsa"))
	return nil
}

// Handle answers one Input. An error means a fault (Postgres or Redis unreachable): nothing was
// changed that the user would miss, and the caller tells them politely to try again.
func (e *Engine) Handle(ctx context.Context, in Input) (Output, error) {
	if !in.Private {
		if in.Kind != KindCommand {
			return Output{}, nil // service messages and chatter in a group are not for us
		}
		// Personal data is never asked for in a group; one short pointer to the private chat.
		return Output{Replies: []Reply{{Text: T("grup.hanya_pribadi")}}}, nil
	}
	st, err := e.states.LoadState(ctx, in.ChatID)
	if err != nil {
		return Output{}, fmt.Errorf("load state: %w", err)
	}
	if st.Version != stateVersion {
		st = State{Ended: st.Ended}
	}
	c := &conv{ctx: ctx, e: e, in: in, st: st}
	if in.Kind == KindCallback {
		c.data = parseData(in.Data)
	}
	p, err := e.store.Participant(ctx, in.UserID)
	switch {
	case err == nil:
		c.p = &p
		if p.Unreachable {
			if err := e.store.MarkReachable(ctx, in.UserID); err != nil {
				return Output{}, fmt.Errorf("mark reachable: %w", err)
			}
		}
	case !errors.Is(err, ErrNotFound):
		return Output{}, fmt.Errorf("load participant: %w", err)
	}
	if err := c.route(); err != nil {
		return Output{}, err
	}
	if c.dirty {
		if c.st.Flow == "" {
			err = e.states.ClearState(ctx, in.ChatID)
		} else {
			err = e.states.SaveState(ctx, in.ChatID, c.st)
		}
		if err != nil {
			return Output{}, fmt.Errorf("save state: %w", err)
		}
	}
	return c.out, nil
}
