package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/bpsdm/asnbot/flows"
)

// Handler is the application: flows.Engine.
type Handler interface {
	Handle(ctx context.Context, in flows.Input) (flows.Output, error)
}

// Coordinator is what the pipeline shares with other replicas through Redis.
type Coordinator interface {
	// BeginUpdate waits until this process alone handles chatID's updates (renewing a hold of
	// ttl) and tells whether updateID was handled already; end releases the chat, marking the
	// update handled when asked.
	BeginUpdate(ctx context.Context, chatID, updateID int64, ttl time.Duration) (end func(handled bool) error, seen bool, err error)
	// TryLease takes a named lease (the poller's) if free, without waiting, and keeps it until
	// release is called; lost is closed if it could not be renewed (another replica may
	// have it now).
	TryLease(ctx context.Context, name string, ttl time.Duration) (lost <-chan struct{}, release func(), ok bool, err error)
	Flood(ctx context.Context, userID int64) (allowed, firstRefusal bool, err error)
}

// PipelineConfig wires a Pipeline.
type PipelineConfig struct {
	Handler     Handler
	Sender      *Sender
	Coordinator Coordinator
	Metrics     *Metrics
	Log         *slog.Logger
	BotUsername string
	Workers     int // updates handled at once in this process; default 64
	QueueSize   int // updates waiting in this process before Enqueue blocks; default 1024
	// UpdateTimeout bounds the handling of one update, sends and their retries included
	// (default a minute). The handler gets three quarters of it, so that the answer to a
	// handler that ran out of time still has time to go out.
	UpdateTimeout time.Duration
	// An update that failed for a fault (Postgres or Redis away, its time ran out) is tried
	// again, its chat's later updates waiting behind it, after FaultRetry (default a second),
	// then twice as long each time up to five minutes, for FaultRetryFor (default 24 hours,
	// Telegram's own retention) or until its source stops waiting for it.
	FaultRetry, FaultRetryFor time.Duration
}

// Pipeline runs every update: one chat's updates one at a time and in order (a queue per chat
// here, a Redis lock across replicas), each update once (a Redis marker), a flooding user
// slowed down, a panic answered politely. A slow chat never holds up another: each chat with
// work has its own drainer, and only the number handled at once is bounded.
type Pipeline struct {
	cfg   PipelineConfig
	mu    sync.Mutex
	chats map[int64][]job // waiting updates of each chat that has a drainer
	// apologised holds the updates whose fault the user has been told of.
	apologised map[int64]struct{}
	closing    chan struct{} // closed by Close: no more tries of failed updates
	slots      chan struct{} // a slot per update being handled
	room       chan struct{} // a place per update queued, for back-pressure on the sources
	wg         sync.WaitGroup
	shut       bool
	// ctx is the handling context: it outlives the sources' contexts, so a shutdown finishes
	// the updates in hand instead of cutting them off.
	ctx    context.Context
	cancel context.CancelFunc
}

type job struct {
	u    *models.Update
	ctx  context.Context // the source's: its end stops the tries
	done chan error
}

// ErrClosed: the pipeline is shutting down and takes no more updates.
var ErrClosed = errors.New("pipeline closed")

// ErrHandlerFault: the handler failed for a fault (Postgres or Redis unreachable, its time
// ran out). The user has been told once; the update is not marked handled, and is tried again.
var ErrHandlerFault = errors.New("handler fault")

// ErrGaveUp: an update failed for a fault on every try for PipelineConfig.FaultRetryFor.
var ErrGaveUp = errors.New("gave up after trying for the retry window")

// maxFaultPause caps the pause between two tries of an update.
const maxFaultPause = 5 * time.Minute

// faultReplyTimeout bounds the polite answer to a fault, sent on a context of its own: the
// update's may be the very thing that ran out.
const faultReplyTimeout = 10 * time.Second

// lockTTL bounds how long a crashed replica can hold a chat; the holder extends it while it works.
const lockTTL = 30 * time.Second

// NewPipeline returns a running pipeline.
func NewPipeline(cfg PipelineConfig) *Pipeline {
	if cfg.Workers <= 0 {
		cfg.Workers = 64
	}
	if cfg.UpdateTimeout <= 0 {
		cfg.UpdateTimeout = time.Minute
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 1024
	}
	if cfg.FaultRetry <= 0 {
		cfg.FaultRetry = time.Second
	}
	if cfg.FaultRetryFor <= 0 {
		cfg.FaultRetryFor = 24 * time.Hour
	}
	p := &Pipeline{
		cfg: cfg, chats: map[int64][]job{}, apologised: map[int64]struct{}{},
		slots: make(chan struct{}, cfg.Workers), room: make(chan struct{}, cfg.QueueSize),
		closing: make(chan struct{}),
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p
}

// Process queues u behind its chat's earlier updates and waits until it is handled. An error
// means it was not (Redis unreachable, or ctx ended): the source must not confirm it.
func (p *Pipeline) Process(ctx context.Context, u *models.Update) error {
	done, err := p.Enqueue(ctx, u)
	if err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Enqueue queues u behind its chat's earlier updates (waiting while the process has too many
// queued) and returns where its outcome will arrive. Updates enqueued one after another are
// handled in that order within their chat.
func (p *Pipeline) Enqueue(ctx context.Context, u *models.Update) (<-chan error, error) {
	select {
	case p.room <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	j := job{u: u, ctx: ctx, done: make(chan error, 1)}
	chat := chatOf(u)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shut {
		<-p.room
		return nil, ErrClosed
	}
	q, draining := p.chats[chat]
	p.chats[chat] = append(q, j)
	if !draining {
		p.wg.Add(1)
		go p.drain(chat)
	}
	return j.done, nil
}

// drain handles a chat's queued updates in order, then ends.
func (p *Pipeline) drain(chat int64) {
	defer p.wg.Done()
	// left is why an earlier update of the chat was left unhandled, to be handled later (its
	// source stopped waiting: the poller's lease ended, a shutdown). The chat's later updates
	// are left too: handled now, they would come before it. (The poller losing its lease just
	// as Redis came back handled a person's second answer before their first.)
	var left error
	for {
		p.mu.Lock()
		q := p.chats[chat]
		if len(q) == 0 {
			delete(p.chats, chat)
			p.mu.Unlock()
			return
		}
		j := q[0]
		p.chats[chat] = q[1:]
		p.mu.Unlock()

		start := time.Now()
		result, err := "fault", left
		if left == nil {
			result, err = p.tries(j)
			if err != nil && !errors.Is(err, ErrGaveUp) {
				left = fmt.Errorf("an earlier update of the chat is not handled yet: %w", err)
			}
		}
		<-p.room
		p.cfg.Metrics.updates.WithLabelValues(updateKind(j.u), result).Inc()
		p.cfg.Metrics.latency.Observe(time.Since(start).Seconds())
		j.done <- err
	}
}

// tries handles j until it is handled, or its source stops waiting, the pipeline closes or
// the retry window ends. A failed try leaves the chat's later updates waiting, so each chat
// keeps its order, and frees its worker slot while it waits.
func (p *Pipeline) tries(j job) (string, error) {
	first, pause := time.Now(), p.cfg.FaultRetry
	for {
		p.slots <- struct{}{}
		// A deadline per try: one stuck call (a download, a long 429) cannot hold the
		// chat, the poller's batch or a shutdown for ever.
		ctx, cancel := context.WithTimeout(p.ctx, p.cfg.UpdateTimeout)
		result, err := p.handle(ctx, j.u)
		cancel()
		<-p.slots
		if err == nil || p.ctx.Err() != nil {
			return result, err
		}
		if time.Since(first)+pause > p.cfg.FaultRetryFor {
			return result, fmt.Errorf("%w: %w", ErrGaveUp, err)
		}
		p.cfg.Log.Warn("update not handled, tried again later", "update", j.u.ID, "err", err, "retry_in", pause.String())
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-j.ctx.Done():
			t.Stop()
			return result, err
		case <-p.closing:
			t.Stop()
			return result, err
		}
		pause = min(2*pause, maxFaultPause)
	}
}

// Close stops taking updates and waits for those in hand, up to ctx's deadline (then their
// handling is cancelled). Call it after the sources have stopped.
func (p *Pipeline) Close(ctx context.Context) {
	p.mu.Lock()
	if !p.shut {
		close(p.closing) // what waits to be tried again stays unconfirmed, for the next start
	}
	p.shut = true
	p.mu.Unlock()
	finished := make(chan struct{})
	go func() { p.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-ctx.Done():
		p.cancel()
		<-finished
	}
	p.cancel()
}

// handle runs one update and names its outcome for the metrics.
func (p *Pipeline) handle(ctx context.Context, u *models.Update) (string, error) {
	if m := u.MyChatMember; m != nil {
		if m.Chat.Type != models.ChatTypePrivate || m.NewChatMember.Type != models.ChatMemberTypeBanned || p.cfg.Sender.Unreachable == nil {
			return "ignored", nil
		}
		// The user blocked the bot: stop planning messages to them now, not at the next 403.
		// Writing to the bot again clears the mark (flows does that on any input).
		if err := p.cfg.Sender.Unreachable.MarkUnreachable(ctx, m.Chat.ID); err != nil {
			return "fault", fmt.Errorf("mark unreachable: %w", err)
		}
		return "ok", nil
	}
	in, ok := toInput(u, p.cfg.BotUsername)
	if !ok {
		return "ignored", nil
	}
	in = withoutNUL(in) // Postgres cannot store NUL: see withoutNUL
	// A slow update (a send waiting out a 429) keeps its chat: the hold is renewed until released.
	end, seen, err := p.cfg.Coordinator.BeginUpdate(ctx, in.ChatID, u.ID, lockTTL)
	if err != nil {
		// Redis away (or the chat held elsewhere past the update's time): the update is tried
		// again like a handler's fault, and the user is told so once, as for one. Without
		// this, a Redis outage left every user without an answer until it ended.
		p.tellFault(ctx, u, in)
		return "fault", fmt.Errorf("lock chat: %w", err)
	}
	if seen {
		_ = end(false)
		return "duplicate", nil
	}
	result := p.run(ctx, u, in)
	if p.ctx.Err() != nil {
		// Cut off by a shutdown: not confirmed, so Telegram hands it over again.
		_ = end(false)
		return "fault", fmt.Errorf("update %d cut off by shutdown: %w", u.ID, p.ctx.Err())
	}
	if result == "fault" {
		// Told once, but what the user sent (a file, an enrolment) is not dropped: tried
		// again (tries), and marked handled only then.
		_ = end(false)
		return result, fmt.Errorf("update %d: %w", u.ID, ErrHandlerFault)
	}
	if err := end(true); err != nil {
		// The user has their answer; a redelivery would only repeat it.
		p.cfg.Log.Warn("mark handled failed", "update", u.ID, "err", err)
	}
	return result, nil
}

// run applies flood control, calls the application with panic recovery, and sends its answer.
func (p *Pipeline) run(ctx context.Context, u *models.Update, in flows.Input) string {
	var queryID string
	if u.CallbackQuery != nil {
		queryID = u.CallbackQuery.ID
	}
	allowed, first, err := p.cfg.Coordinator.Flood(ctx, in.UserID)
	if err != nil {
		p.cfg.Log.Warn("flood check failed", "err", err) // let the update through
		allowed = true
	}
	if !allowed {
		if queryID != "" {
			p.cfg.Sender.Answer(ctx, queryID, flows.T("sistem.terlalu_cepat_singkat"))
		}
		if first {
			_ = p.cfg.Sender.Deliver(ctx, in.ChatID, 0, flows.Output{Replies: []flows.Reply{{Text: flows.T("sistem.terlalu_cepat")}}})
		}
		return "flood"
	}
	out, result := p.call(ctx, in)
	if result == "fault" {
		if !p.apologise(u.ID) {
			return result // asked already, at an earlier try of this update
		}
		// The update's own time may be what ran out: the answer gets a short time of its own.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), faultReplyTimeout)
		defer cancel()
		ctx = fctx
	}
	// The answer to a pressed button and the reply are independent calls: made at once, the
	// user waits for one round trip to Telegram instead of two.
	answered := make(chan struct{})
	if queryID != "" {
		go func() { defer close(answered); p.cfg.Sender.Answer(ctx, queryID, out.Toast) }()
	} else {
		close(answered)
	}
	if err := p.cfg.Sender.Deliver(ctx, in.ChatID, in.MessageID, out); err != nil && !errors.Is(err, ErrUnreachable) {
		p.cfg.Log.Error("deliver failed", "update", u.ID, "err", err)
	}
	<-answered
	return result
}

// tellFault tells the user, once per update, that it met a fault and will be handled when the
// system is back: for an update that could not even be begun (no chat lock, no duplicate
// check), so the flow never ran. Not at a shutdown: the update is then handled at the next start.
func (p *Pipeline) tellFault(ctx context.Context, u *models.Update, in flows.Input) {
	if p.ctx.Err() != nil || !p.apologise(u.ID) {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), faultReplyTimeout)
	defer cancel()
	if u.CallbackQuery != nil {
		p.cfg.Sender.Answer(fctx, u.CallbackQuery.ID, flows.Text{})
	}
	out := flows.Output{Replies: []flows.Reply{{Text: flows.T("sistem.gangguan")}}}
	if err := p.cfg.Sender.Deliver(fctx, in.ChatID, in.MessageID, out); err != nil && !errors.Is(err, ErrUnreachable) {
		p.cfg.Log.Error("deliver failed", "update", u.ID, "err", err)
	}
}

// apologise says whether the user is still to be told about a fault in update id: once per
// update, however often it is tried again (in this process; another replica may tell once more).
func (p *Pipeline) apologise(id int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, told := p.apologised[id]; told {
		return false
	}
	if len(p.apologised) >= 10000 { // forgotten wholesale: at worst one more "try again"
		clear(p.apologised)
	}
	p.apologised[id] = struct{}{}
	return true
}

// call runs the handler; a fault or a panic becomes a polite answer, and the log gets the
// update id and the error, never the user's text or a stack trace.
func (p *Pipeline) call(ctx context.Context, in flows.Input) (out flows.Output, result string) {
	defer func() {
		if r := recover(); r != nil {
			p.cfg.Log.Error("handler panic", "update", in.UpdateID, "panic", fmt.Sprintf("%T", r))
			out, result = flows.Output{Replies: []flows.Reply{{Text: flows.T("sistem.galat")}}}, "panic"
		}
	}()
	hctx, cancel := context.WithTimeout(ctx, p.cfg.UpdateTimeout*3/4)
	defer cancel()
	out, err := p.cfg.Handler.Handle(hctx, in)
	if err != nil {
		p.cfg.Log.Error("handler fault", "update", in.UpdateID, "err", err)
		return flows.Output{Replies: []flows.Reply{{Text: flows.T("sistem.gangguan")}}}, "fault"
	}
	return out, "ok"
}
