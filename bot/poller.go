package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// AllowedUpdates are the update types the bot asks Telegram for.
var AllowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// Poller takes updates by long polling. Unlike the library's loop, it confirms an update's
// offset to Telegram only after the pipeline has handled it, so a crash or a deploy loses
// nothing; and only the replica holding the poller lease polls, so replicas never fight with
// 409 Conflict.
type Poller struct {
	BaseURL     string
	Token       string
	Pipeline    *Pipeline
	Coordinator Coordinator
	Log         *slog.Logger
	// Timeout is the long-poll wait (default 25 s); LeaseTTL how long a dead leader blocks the
	// others (default 15 s).
	Timeout  time.Duration
	LeaseTTL time.Duration
	// Inbox, when set, records each batch durably before it is confirmed, so the poller
	// fetches the next batch while this one is handled (see lead); without it, each batch is
	// handled whole before the next is fetched.
	Inbox  Inbox
	client *http.Client
}

// Inbox keeps the updates taken from Telegram until they are handled (in Postgres).
type Inbox interface {
	RecordUpdates(ctx context.Context, ids []int64, bodies [][]byte) error
	UpdatesDone(ctx context.Context, ids []int64) error
	PendingUpdates(ctx context.Context) (ids []int64, bodies [][]byte, err error)
}

// Run polls until ctx ends. The batch in hand is finished first.
func (p *Poller) Run(ctx context.Context) error {
	if p.Timeout <= 0 {
		p.Timeout = 25 * time.Second
	}
	if p.LeaseTTL <= 0 {
		p.LeaseTTL = 15 * time.Second
	}
	p.client = &http.Client{Timeout: p.Timeout + 15*time.Second}
	for ctx.Err() == nil {
		lost, release, ok, err := p.Coordinator.TryLease(ctx, "poller", p.LeaseTTL)
		if err != nil {
			p.Log.Warn("poller lease", "err", err)
		}
		if !ok {
			sleep(ctx, p.LeaseTTL/3)
			continue
		}
		p.Log.Info("this replica is polling")
		conflict := p.lead(ctx, lost)
		release()
		if conflict {
			sleep(ctx, p.LeaseTTL/3) // let the other poller have it, then compete for the lease again
		}
	}
	return nil
}

// lead polls while this replica holds the lease, or until Telegram says another poller is
// running (conflict).
func (p *Poller) lead(ctx context.Context, lost <-chan struct{}) (conflict bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-lost:
			p.Log.Warn("poller lease lost")
			cancel()
		case <-ctx.Done():
		}
	}()
	var offset int64
	backoff := time.Second
	var box *inbox
	if p.Inbox != nil {
		// What the inbox holds is handled from it: fetching starts after it.
		box, offset = p.openInbox(ctx)
		defer box.close()
	}
	for ctx.Err() == nil {
		updates, raw, err := p.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return false
			}
			if errors.Is(err, errConflict) {
				// Another getUpdates is running: a replica that took the lease while this one
				// could not reach Redis to renew it (Lock.keepAlive keeps it through an outage).
				// Step down; the lease decides who polls.
				p.Log.Warn("another poller is running: stepping down", "err", err)
				return true
			}
			var ra *retryAfterError
			wait := backoff
			if errors.As(err, &ra) {
				wait = ra.wait
			} else {
				backoff = min(2*backoff, 30*time.Second)
			}
			p.Log.Warn("getUpdates failed", "err", err, "retry_in", wait.String())
			sleep(ctx, wait)
			continue
		}
		backoff = time.Second
		if len(updates) == 0 {
			continue
		}
		if box != nil && box.record(ctx, updates, raw) {
			// Recorded: confirmed by the next fetch, which need not wait for this batch.
			offset = updates[len(updates)-1].ID + 1
			continue
		}
		next, failed := p.handleBatch(ctx, updates)
		offset = next
		if failed {
			sleep(ctx, time.Second) // shutting down, or the pipeline gave up: the rest is fetched again
		}
	}
	return false
}

// handleBatch runs a batch through the pipeline (chats in parallel, each chat in order) and
// returns the offset to confirm: past the last update if all were handled, else the first
// one that was not, so it is fetched again.
func (p *Poller) handleBatch(ctx context.Context, updates []*models.Update) (next int64, failed bool) {
	results := make([]<-chan error, len(updates))
	for i, u := range updates {
		// Enqueued in Telegram's order, so each chat's updates keep it. An update in hand is
		// finished at a shutdown; one waiting to be tried again after a fault is left.
		done, err := p.Pipeline.Enqueue(ctx, u)
		if err != nil {
			return u.ID, true
		}
		results[i] = done
	}
	next = updates[len(updates)-1].ID + 1
	for i, ch := range results {
		if err := <-ch; err != nil && !failed {
			failed, next = true, updates[i].ID
			p.Log.Warn("update not handled, will be fetched again", "update", updates[i].ID, "err", err)
		}
	}
	return next, failed
}

type retryAfterError struct{ wait time.Duration }

func (e *retryAfterError) Error() string { return "too many requests, retry after " + e.wait.String() }

// errConflict is getUpdates's 409: another getUpdates (or a webhook) is in the way.
var errConflict = errors.New("conflict")

func (p *Poller) getUpdates(ctx context.Context, offset int64) ([]*models.Update, []json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "timeout": int(p.Timeout.Seconds()), "allowed_updates": AllowedUpdates,
	})
	url := strings.TrimRight(p.BaseURL, "/") + "/bot" + p.Token + "/getUpdates"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("getUpdates request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("getUpdates: %w", redactErr(err, p.Token))
	}
	defer resp.Body.Close()
	var r apiAnswer
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, nil, fmt.Errorf("getUpdates: status %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		if r.ErrorCode == http.StatusTooManyRequests {
			return nil, nil, &retryAfterError{wait: time.Duration(max(r.Parameters.RetryAfter, 1)) * time.Second}
		}
		if r.ErrorCode == http.StatusConflict {
			return nil, nil, fmt.Errorf("getUpdates: %w: %s", errConflict, r.Description)
		}
		return nil, nil, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(r.Result, &raws); err != nil {
		return nil, nil, fmt.Errorf("getUpdates: result: %w", err)
	}
	updates := make([]*models.Update, 0, len(raws))
	for _, raw := range raws {
		u := &models.Update{}
		if err := json.Unmarshal(raw, u); err != nil {
			return nil, nil, fmt.Errorf("getUpdates: update: %w", err)
		}
		updates = append(updates, u)
	}
	return updates, raws, nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// redactErr keeps the bot token, which is part of every Bot API URL, out of error messages,
// and keeps the error underneath for errors.Is and errors.As: a network error stays one, and
// is retried as one.
func redactErr(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return redacted{err: err, secret: token}
}

type redacted struct {
	err    error
	secret string
}

func (r redacted) Error() string { return strings.ReplaceAll(r.err.Error(), r.secret, "***") }
func (r redacted) Unwrap() error { return r.err }
