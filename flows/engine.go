package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Config wires an Engine.
type Config struct {
	Store  Store
	States StateStore
	// Now is the clock; tests move it instead of waiting.
	Now func() time.Time
	// Admins are the Telegram user ids with admin rights from the start.
	Admins []int64
	// Catalog holds courses, batches and enrolments; Files fetches what users send.
	Catalog Catalog
	Files   Files
	// Batches changes and cancels batches for admins.
	Batches Batches
	// Zone is the agency's time zone, for times that belong to no batch.
	Zone *time.Location
	// Reminders are the reminders a seat gets, as /pengingat describes them.
	Reminders []ReminderRule
}

// Engine runs every conversation. It is stateless between calls: what a chat is doing lives in
// the StateStore, so any replica can take the next update and a restart loses nothing.
type Engine struct {
	store   Store
	states  StateStore
	catalog Catalog
	files   Files
	batches Batches
	zone    *time.Location
	now     func() time.Time
	admins  map[int64]bool
	rules   []ReminderRule
}

// New returns an Engine.
func New(cfg Config) *Engine {
	e := &Engine{store: cfg.Store, states: cfg.States, catalog: cfg.Catalog, files: cfg.Files, batches: cfg.Batches, zone: cfg.Zone,
		now: cfg.Now, admins: map[int64]bool{}, rules: cfg.Reminders}
	if len(e.rules) == 0 {
		e.rules = DefaultReminders
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.zone == nil {
		e.zone, _ = time.LoadLocation("Asia/Jakarta")
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
	st    State
	dirty bool
	p     *Participant // nil when the user has no profile
	out   Output
}

func (c *conv) say(r Reply)           { c.out.Say(r) }
func (c *conv) toast(t Text)          { c.out.Toast = t }
func (c *conv) set(s State)           { s.Version = stateVersion; c.st = s; c.dirty = true }
func (c *conv) clear()                { c.st = State{}; c.dirty = true }
func (c *conv) registered() bool      { return c.p != nil }
func (c *conv) isAdmin() bool         { return c.e.admins[c.in.UserID] }
func (c *conv) callback() bool        { return c.in.Kind == KindCallback }
func (c *conv) command(n string) bool { return c.in.Kind == KindCommand && c.in.Command == n }

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
		st = State{}
	}
	c := &conv{ctx: ctx, e: e, in: in, st: st}
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

// route sends the input to the exits first (they work in every flow), then to the flow the
// chat is in, then to the idle handlers.
func (c *conv) route() error {
	switch {
	case c.command("batal"):
		return c.cancel()
	case c.command("start"):
		return c.start()
	case c.command("bantuan"):
		c.help(false)
		return nil
	}
	if h, ok := flowSteps[c.st.Flow]; ok {
		return h(c)
	}
	return c.idle()
}

// flowSteps maps a flow's name to the handler of its current step. It is filled in init to
// break the initialisation cycle between the handlers and this table.
var flowSteps map[string]func(*conv) error

func init() {
	flowSteps = map[string]func(*conv) error{
		flowOnboarding: (*conv).onboardingStep,
		flowProfile:    (*conv).profileStep,
		flowDelete:     (*conv).deleteStep,
		flowSchedule:   (*conv).scheduleStep,
	}
}

// cancel ends any conversation and goes back to the main menu.
func (c *conv) cancel() error {
	wasBusy := c.st.Flow != ""
	c.clear()
	key := "batal.tidak_ada"
	if wasBusy {
		key = "batal.selesai"
	}
	if !c.registered() {
		c.say(Reply{Text: T(key), Parts: []Text{T("umum.mulai_daftar")}, RemoveKeyboard: true})
		return nil
	}
	c.say(Reply{Text: T(key), RemoveKeyboard: true})
	c.say(c.menu())
	return nil
}

// idle handles what comes while no conversation is going on.
func (c *conv) idle() error {
	if c.callback() {
		if strings.HasPrefix(c.in.Data, "j:") && c.isAdmin() {
			if id, ok := strings.CutPrefix(c.in.Data, "j:b:"); ok {
				return c.schedulePick(id) // a batch picked from /ubahjadwal's list
			}
			c.expired() // a button of a change already saved or closed
			return nil
		}
		return c.idleCallback()
	}
	switch {
	case c.command("katalog"):
		return c.catalogPage(listView{}, false)
	case c.command("peserta") && c.isAdmin():
		return c.roster(c.in.Text)
	case c.command("ubahjadwal") && c.isAdmin():
		return c.scheduleCommand(c.in.Text)
	case c.in.Kind == KindDocument && c.isAdmin():
		return c.importDocument(c.in.Document)
	case !c.registered():
		c.say(Reply{Text: T("umum.belum_terdaftar")})
	case c.command("menu"):
		c.say(c.menu())
	case c.command("profil"):
		c.say(c.profileCard(false))
	case c.command("saya"):
		return c.myTrainings(false)
	case c.command("pengingat"):
		c.say(c.reminderSetting(false))
	case c.command("hapusdata"):
		c.askDelete()
	case c.in.Kind == KindCommand:
		c.say(Reply{Text: T("umum.perintah_tidak_dikenal")})
	case c.in.Kind == KindText:
		// Typed words while nothing is asked are a search of the catalogue.
		return c.search(c.in.Text)
	default:
		c.say(Reply{Text: T("umum.tidak_dipahami")})
	}
	return nil
}

// expired answers a button that belongs to a finished conversation or a changed record.
func (c *conv) expired() {
	c.toast(T("tombol.kedaluwarsa"))
}
