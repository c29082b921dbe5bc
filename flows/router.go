package flows

import "strings"

// handler answers one input. An error is a fault (Postgres or Redis unreachable): the user is
// told politely to try again.
type handler func(*conv) error

// access says who may use a route.
type access uint8

const (
	anyone access = iota // no profile needed
	member               // a registered participant; anyone else is asked to register first
	staff                // an operator or an admin; anyone else is told it is not for them
	admin                // an admin; anyone else is told it is not for them
)

// route is one line of the routing table: what input it takes, who may use it, and what
// handles it.
type route struct {
	kind InputKind // KindCommand, KindCallback, ...; 0 takes any kind
	// name is a command's name, or a button's namespace ("k") or namespace and action
	// ("k:c"); empty, it takes every input of its kind.
	name string
	who  access
	do   handler
}

// command routes /name.
func command(name string, who access, do handler) route {
	return route{kind: KindCommand, name: name, who: who, do: do}
}

// button routes the buttons of a namespace ("k") or of one action of it ("k:c").
func button(name string, who access, do handler) route {
	return route{kind: KindCallback, name: name, who: who, do: do}
}

// input routes every input of a kind (0: of every kind) that no line above took.
func input(kind InputKind, who access, do handler) route { return route{kind: kind, who: who, do: do} }

// takes reports whether r is for c's input.
func (r route) takes(c *conv) bool {
	switch {
	case r.kind != 0 && r.kind != c.in.Kind:
		return false
	case r.name == "":
		return true
	case r.kind == KindCommand:
		return c.in.Command == r.name
	case r.kind == KindCallback:
		ns, action, one := strings.Cut(r.name, ":")
		return c.data.ns == ns && (!one || c.data.action == action)
	}
	return false
}

// flow is a conversation of several steps. While a chat is in one (State.Flow), the input
// goes to it instead of the idle routes: to its buttons first, then to the current step.
type flow struct {
	// who may be in it: a chat that has lost the right (an admin removed, a profile deleted)
	// leaves the flow, and the input is routed as if it had never been in it.
	who access
	// steps are the handlers of each step (State.Step).
	steps map[string]handler
	// lost handles a step the flow does not know (a state left by an older version).
	lost handler
	// command handles a command other than the exits; nil lets the step take it.
	command handler
	// buttons take the flow's buttons whatever the step; a button they do not name goes to
	// the step.
	buttons []route
}

// table is the whole routing of the bot: see routes.
type table struct {
	exits []route         // work everywhere, before anything else
	flows map[string]flow // by State.Flow
	idle  []route         // when no conversation is going on: the first line that takes the input
}

// route sends the input to the exits first, then to the flow the chat is in, then to the
// idle routes.
func (c *conv) route() error {
	h := c.pick()
	if c.fault != nil { // the role could not be read
		return c.fault
	}
	return h(c)
}

// pick chooses what handles the input.
func (c *conv) pick() handler {
	if c.st.Ended && !c.registered() && c.draftAnswer() {
		return (*conv).draftEnded
	}
	if r, ok := c.match(c.e.routes.exits); ok {
		return c.allowed(r)
	}
	if f, ok := c.e.routes.flows[c.st.Flow]; ok {
		return c.stepOf(f)
	}
	return c.pickIdle()
}

// idle routes an input as if no conversation were going on.
func (c *conv) idle() error {
	h := c.pickIdle()
	if c.fault != nil {
		return c.fault
	}
	return h(c)
}

func (c *conv) pickIdle() handler {
	if r, ok := c.match(c.e.routes.idle); ok {
		return c.allowed(r)
	}
	return (*conv).notUnderstood // the table's fallbacks leave nothing here
}

// match finds the first route that takes the input.
func (c *conv) match(routes []route) (route, bool) {
	for _, r := range routes {
		if r.takes(c) {
			return r, true
		}
	}
	return route{}, false
}

// allowed is r's handler; for a member's route and a user without a profile, the request to
// register first; for a staff route and a user without the role, a polite refusal. The role
// is read only here, so a participant's input never costs a lookup.
func (c *conv) allowed(r route) handler {
	switch {
	case r.who == member && !c.registered():
		return (*conv).askToRegister
	case r.who == member && c.incomplete() && !whileIncomplete[r.name]:
		return (*conv).completeProfile
	case r.who >= staff && !c.role().can(r.who):
		return (*conv).notAllowed
	}
	return r.do
}

// whileIncomplete are the member's routes that work before a profile that lacks something
// (a NIP moved to another account) is completed: deleting one's data (/hapusdata is
// anyone's).
var whileIncomplete = map[string]bool{"p:del": true}

// askToRegister answers a user without a profile who asked for what needs one.
func (c *conv) askToRegister() error {
	if c.callback() {
		c.toast(T("umum.belum_terdaftar_singkat"))
	} else {
		c.say(Reply{Text: T("umum.belum_terdaftar")})
	}
	return nil
}

// stepOf chooses what handles the input in the flow the chat is in.
func (c *conv) stepOf(f flow) handler {
	if (f.who == member && !c.registered()) || (f.who >= staff && !c.role().can(f.who)) {
		return (*conv).leave
	}
	h, known := f.steps[c.st.Step]
	switch {
	case !known:
		return f.lost
	case c.in.Kind == KindCommand && f.command != nil:
		return f.command
	}
	if c.callback() {
		if r, ok := c.match(f.buttons); ok {
			return c.allowed(r)
		}
	}
	return h
}

// leave drops the conversation (what it typed so far is lost) and routes the input as if
// the chat had been idle.
func (c *conv) leave() error {
	c.clear()
	return c.idle()
}
