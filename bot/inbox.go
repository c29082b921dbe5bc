package bot

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// inbox is the poller's side of the update inbox: a batch is recorded before it is confirmed
// and handed to the pipeline without waiting for it; each handled update is deleted from the
// inbox (in batches, by a flusher); an update that failed for a fault is tried again later,
// while its row keeps it safe. On start, what an earlier process left is handled first.
type inbox struct {
	p                      *Poller
	ctx                    context.Context // the updates' source context: closing the inbox ends their tries
	done                   chan int64
	handing                sync.WaitGroup // updates in the pipeline, and their retries
	flushed                chan struct{}
	stopRetries, stopFlush context.CancelFunc
}

func (p *Poller) openInbox(ctx context.Context) (b *inbox, next int64) {
	base := context.WithoutCancel(ctx)
	ctx, stopRetries := context.WithCancel(base)
	flushCtx, stopFlush := context.WithCancel(base)
	b = &inbox{p: p, ctx: ctx, done: make(chan int64, 4096), flushed: make(chan struct{}), stopRetries: stopRetries, stopFlush: stopFlush}
	go b.flush(flushCtx)
	ids, bodies, err := p.Inbox.PendingUpdates(ctx)
	if err != nil {
		p.Log.Warn("update inbox not read: what it holds waits for the next start", "err", err)
		return b, 0
	}
	if len(ids) > 0 {
		p.Log.Info("handling updates left by an earlier process", "count", len(ids))
	}
	for i, body := range bodies {
		next = max(next, ids[i]+1)
		u := &models.Update{}
		if err := json.Unmarshal(body, u); err != nil {
			p.Log.Warn("update in the inbox unreadable: dropped", "update", ids[i], "err", err)
			b.done <- ids[i]
			continue
		}
		b.hand(u)
	}
	return b, next
}

// record writes a batch to the inbox and hands it to the pipeline; false when it could not be
// recorded (the caller then handles the batch whole before confirming it).
func (b *inbox) record(ctx context.Context, updates []*models.Update, raw []json.RawMessage) bool {
	ids := make([]int64, len(updates))
	bodies := make([][]byte, len(updates))
	for i, u := range updates {
		ids[i], bodies[i] = u.ID, raw[i]
	}
	if err := b.p.Inbox.RecordUpdates(ctx, ids, bodies); err != nil {
		b.p.Log.Warn("update inbox: batch not recorded, handled before it is confirmed", "err", err)
		return false
	}
	for _, u := range updates {
		b.hand(u)
	}
	return true
}

// hand enqueues u (in the order given, so each chat keeps Telegram's order) and has its row
// deleted once it is handled, or once the pipeline gave up trying (ErrGaveUp). Cut off by a
// shutdown, the row stays for the next start.
func (b *inbox) hand(u *models.Update) {
	done, err := b.p.Pipeline.Enqueue(b.ctx, u)
	if err != nil {
		return // shutting down: the row stays for the next start
	}
	b.handing.Add(1)
	go func() {
		defer b.handing.Done()
		if err := <-done; err == nil || errors.Is(err, ErrGaveUp) {
			b.done <- u.ID
		}
	}()
}

// flush deletes handled updates from the inbox, a batch at a time.
func (b *inbox) flush(ctx context.Context) {
	defer close(b.flushed)
	var ids []int64
	failing := false // the last write failed: logged once until one succeeds
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	write := func() {
		if len(ids) == 0 {
			return
		}
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := b.p.Inbox.UpdatesDone(wctx, ids); err != nil {
			// Kept, and deleted at a later write (Postgres away for a while): dropped, they
			// stayed in the inbox, holding what users sent, until the next start handed them
			// over again. Only the last write, as the poller stops, may still leave some.
			if !failing {
				b.p.Log.Warn("update inbox: handled updates not cleared yet", "err", err, "count", len(ids))
			}
			failing = true
			return
		}
		failing = false
		ids = ids[:0]
	}
	for {
		select {
		case id := <-b.done:
			ids = append(ids, id)
			if len(ids) >= 500 || len(b.done) == 0 {
				write() // under load the ids gather while a write runs; when quiet, at once
			}
		case <-t.C:
			write()
		case <-ctx.Done():
			for {
				select {
				case id := <-b.done:
					ids = append(ids, id)
				default:
					write()
					return
				}
			}
		}
	}
}

// close stops the retries, waits for the updates in hand (the pipeline finishes them or cuts
// them off at shutdown), then clears what they finished and stops the flusher.
func (b *inbox) close() {
	b.stopRetries()
	b.handing.Wait()
	b.stopFlush()
	<-b.flushed
}
