// Package telegramtest is a fake Telegram Bot API server over real HTTP, the kit every
// end-to-end test of the bot uses. It follows the documented Bot API
// (https://core.telegram.org/bots/api) rather than any one client: it decodes
// multipart, urlencoded, JSON, query-string and empty requests, answers with the
// {"ok":...} envelope and the real error texts, keeps per-chat transcripts that tests
// read with User.Next, and delivers updates by long polling or by webhook.
package telegramtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// Token is the only bot token the server accepts; any other gets 401 Unauthorized.
const Token = "123456:TEST-TOKEN"

// The bot's own account, as getMe reports it and as the sender of its messages.
const (
	// BotID is the bot's user id.
	BotID int64 = 999000
	// BotUsername is the bot's username (without the @).
	BotUsername = "asn_test_bot"
	// BotFirstName is the bot's display name.
	BotFirstName = "Bot Pelatihan ASN"
)

// waitLimit bounds every wait (Next, WaitIdle) so a stuck bot fails a test instead of hanging it.
const waitLimit = 10 * time.Second

// Server is a fake Bot API. Create it with NewServer; all methods are safe for concurrent use.
type Server struct {
	t          reporter
	http       *httptest.Server
	client     *http.Client // webhook deliveries
	ctx        context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup // dispatcher and webhook deliveries
	rateLimits bool
	retryDelay time.Duration
	// keyboardRule judges every inline keyboard sent or edited in; what it refuses fails the
	// test at its end (WithKeyboardRule).
	keyboardRule     func([][]Button) error
	keyboardProblems map[string]bool
	wait             time.Duration // bound of Next and WaitIdle: waitLimit, shorter in this package's tests

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change: a broadcast to waiters
	closed  bool
	calls   []Call
	faults  map[string][]Fault

	// Updates (updates.go).
	nextUpdate int64
	pending    []*pendingUpdate // unconfirmed, sorted by id
	pollGen    int              // bumped by every getUpdates, so the older waiting one can see it lost
	allowed    []string
	hook       webhook
	hookErr    string
	hookErrAt  time.Time

	// Chats and people (users.go, messages.go).
	users     map[int64]*User
	chats     map[int64]*chat
	queries   map[string]*query
	nextQuery int64
	answers   map[int64][]CallbackAnswer // by user id
	files     map[string]*storedFile     // by file_id
	nextFile  int
	sendTimes []time.Time // successful sends in the last second, for WithRateLimits
	commands  map[string][]models.BotCommand
	idle      func() bool // the bot's own "nothing in hand", for WaitIdle (SetIdle)
}

// SetIdle gives WaitIdle a check of the bot's own: a bot that confirms updates before it has
// handled them (it records them first) is idle only when idle also reports true.
func (s *Server) SetIdle(idle func() bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idle = idle
}

// Option configures a Server.
type Option func(*Server)

// WithRateLimits makes the server enforce Telegram's flood limits with 429 and
// retry_after: at most 30 sent messages per second over all chats and one per second
// per chat. sendMessage, sendDocument and sendPhoto count; edits do not.
func WithRateLimits() Option { return func(s *Server) { s.rateLimits = true } }

// WithWebhookRetryDelay sets how long the server waits before redelivering an update
// whose webhook answer was not 2xx (default 50ms; Telegram waits longer, tests should not).
func WithWebhookRetryDelay(d time.Duration) Option { return func(s *Server) { s.retryDelay = d } }

// WithKeyboardRule has every inline keyboard the bot sends or edits in judged by rule; each
// distinct refusal fails the test when it ends. Telegram accepts any label: what a phone can
// show is the tests' rule, not the Bot API's.
func WithKeyboardRule(rule func([][]Button) error) Option {
	return func(s *Server) {
		s.keyboardRule, s.keyboardProblems = rule, map[string]bool{}
		s.t.Cleanup(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			for p := range s.keyboardProblems {
				s.t.Errorf("inline keyboard: %s", p)
			}
		})
	}
}

// checkKeyboard applies the keyboard rule to a message sent or edited; s.mu is held.
func (s *Server) checkKeyboard(m Message) {
	if s.keyboardRule == nil || len(m.Buttons) == 0 {
		return
	}
	if err := s.keyboardRule(m.Buttons); err != nil {
		s.keyboardProblems[err.Error()] = true
	}
}

// reporter is what the server needs of a test: testing.TB, or Serve's stand-in outside tests.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// NewServer starts a fake Bot API on 127.0.0.1; t.Cleanup closes it.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return newServer(t, opts...)
}

// Serve starts the fake Bot API outside a test: `asnbot demo` runs the real bot against it.
// What a test would be told goes to logf; closeFn stops the server.
func Serve(logf func(format string, args ...any), opts ...Option) (s *Server, closeFn func()) {
	r := &standIn{logf: logf}
	s = newServer(r, opts...)
	return s, r.close
}

// standIn reports to a log function and runs the cleanups when closed, newest first.
type standIn struct {
	logf     func(string, ...any)
	mu       sync.Mutex
	cleanups []func()
}

func (r *standIn) Helper()                           {}
func (r *standIn) Errorf(format string, args ...any) { r.logf(format, args...) }
func (r *standIn) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

func (r *standIn) close() {
	r.mu.Lock()
	fs := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

func newServer(t reporter, opts ...Option) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		t: t, ctx: ctx, cancel: cancel,
		client:     &http.Client{Timeout: waitLimit},
		retryDelay: 50 * time.Millisecond,
		wait:       waitLimit,
		changed:    make(chan struct{}),
		faults:     map[string][]Fault{},
		nextUpdate: 1000, // not 1, so a bot that assumes ids start small is caught
		users:      map[int64]*User{},
		chats:      map[int64]*chat{},
		queries:    map[string]*query{},
		nextQuery:  4242000000000000000,
		answers:    map[int64][]CallbackAnswer{},
		files:      map[string]*storedFile{},
		commands:   map[string][]models.BotCommand{},
	}
	for _, o := range opts {
		o(s)
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.wg.Add(1)
	go s.dispatchLoop()
	t.Cleanup(s.close)
	return s
}

// URL is the base URL to give the bot as its Bot API server (no trailing slash).
func (s *Server) URL() string { return s.http.URL }

func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	s.notify()
	s.mu.Unlock()
	s.cancel()
	s.http.Close() // waits for handlers; long polls return because closed is set
	s.wg.Wait()
}

// notify wakes every waiter. Callers hold s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitLocked waits until cond holds, ctx ends or d passes, and reports cond. s.mu is
// held on entry and on return; cond runs under it.
func (s *Server) waitLocked(ctx context.Context, d time.Duration, cond func() bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for !cond() {
		if s.closed {
			return false
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			s.mu.Lock()
			return cond()
		case <-ctx.Done():
			s.mu.Lock()
			return cond()
		}
		s.mu.Lock()
	}
	return true
}

// Call is one request the bot made.
type Call struct {
	Method string            // canonical spelling, e.g. "sendMessage"
	Params map[string]string // every parameter as text; objects stay JSON, uploads give the file name
	At     time.Time
}

// Calls returns every request to method (case-insensitive, "" for all), in order.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// Fault is an injected failure. Code 429 with RetryAfter sets parameters.retry_after;
// Code 0 (Description "drop" by convention) closes the connection without an answer,
// which the client sees as a network error.
type Fault struct {
	Code        int
	Description string
	RetryAfter  int
}

// Fail makes the next `times` calls of method (case-insensitive) get f instead of
// their normal handling.
func (s *Server) Fail(method string, times int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	for range times {
		s.faults[key] = append(s.faults[key], f)
	}
}

// apiError is a Bot API error answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(desc string) *apiError { return &apiError{code: 400, desc: "Bad Request: " + desc} }

// handler implements one Bot API method.
type handler func(s *Server, ctx context.Context, p params) (any, *apiError)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeJSON(w, &apiError{code: 404, desc: "Not Found"}, nil)
		return
	}
	if token != Token {
		writeJSON(w, &apiError{code: 401, desc: "Unauthorized"}, nil)
		return
	}
	p, err := decodeParams(r)
	if err != nil {
		writeJSON(w, badRequest(err.Error()), nil)
		return
	}
	name, h := lookupMethod(method)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: name, Params: p.record(), At: time.Now()})
	var fault *Fault
	if q := s.faults[strings.ToLower(method)]; len(q) > 0 {
		fault, s.faults[strings.ToLower(method)] = &q[0], q[1:]
	}
	s.notify()
	s.mu.Unlock()

	switch {
	case fault != nil && fault.Code == 0:
		dropConnection(w)
	case fault != nil:
		writeJSON(w, &apiError{code: fault.Code, desc: fault.Description, retryAfter: fault.RetryAfter}, nil)
	case h == nil:
		writeJSON(w, &apiError{code: 404, desc: "Not Found"}, nil)
	default:
		res, aerr := h(s, r.Context(), p)
		writeJSON(w, aerr, res)
	}
}

// dropConnection closes the TCP connection mid-request, as a network failure would.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // the server then aborts the response the same way
}

// writeJSON writes the Bot API envelope; the HTTP status equals error_code, as Telegram's does.
func writeJSON(w http.ResponseWriter, aerr *apiError, result any) {
	w.Header().Set("Content-Type", "application/json")
	if aerr == nil {
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
		return
	}
	body := map[string]any{"ok": false, "error_code": aerr.code, "description": aerr.desc}
	if aerr.retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": aerr.retryAfter}
	}
	w.WriteHeader(aerr.code)
	_ = json.NewEncoder(w).Encode(body)
}
