package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Throttle is the outgoing rate limit shared by every replica: at most Global messages a second
// in all and PerChat a second to one chat (Telegram allows about 30 and 1). It also carries a
// pause every sender honours after Telegram answered 429.
type Throttle struct {
	r      *Redis
	global redis_rate.Limit
	// gap is the least time from the end of one send to a chat to the start of the next: a
	// tenth more than 1/PerChat, counted from when the send returned rather than when it was
	// allowed, so that a slow request cannot bring two sends closer at Telegram than that.
	gap time.Duration
	// hold bounds how long a chat stays held for a send whose sender died before it
	// returned: as long as a job may run (JOB_TIMEOUT), so a live send is never overtaken.
	hold time.Duration
}

// queueHold is how long a chat is held while its sender waits for the global limit: short,
// so a replica that dies while waiting blocks its chats only briefly.
const queueHold = 3 * time.Second

// NewThrottle returns a throttle of global messages a second in all and perChat to one chat;
// hold is the longest a send may take (JOB_TIMEOUT).
func (r *Redis) NewThrottle(global, perChat int, hold time.Duration) *Throttle {
	return &Throttle{r: r,
		global: redis_rate.Limit{Rate: global, Burst: max(1, global/5), Period: time.Second},
		gap:    time.Second * 11 / time.Duration(10*perChat),
		hold:   max(hold, queueHold),
	}
}

// gapScript ends a hold: the chat stays held for the gap from now, unless another sender
// holds it already (ours expired).
var gapScript = redis.NewScript(`local v = redis.call("get", KEYS[1])
if v == false or v == ARGV[1] then return redis.call("set", KEYS[1], ARGV[1], "px", ARGV[2]) end
return 0`)

// Wait blocks until a message to chatID may be sent, or ctx ends. It holds the chat until
// done is called, which the caller does once the send has returned (whatever its outcome).
func (t *Throttle) Wait(ctx context.Context, chatID int64) (done func(), err error) {
	key, tok := t.r.key("out", "chat", id(chatID)), token()
	release := func() {
		_ = gapScript.Run(context.WithoutCancel(ctx), t.r.c, []string{key}, tok, t.gap.Milliseconds()).Err()
	}
	for {
		if err := t.waitPause(ctx); err != nil {
			return nil, err
		}
		if err := t.holdChat(ctx, key, tok); err != nil {
			return nil, err
		}
		if err := t.take(ctx, t.r.key("out", "all"), t.global); err != nil {
			release()
			return nil, err
		}
		// Telegram may have said 429 while we waited: then wait with everyone else.
		paused, err := t.paused(ctx)
		if err != nil {
			release()
			return nil, err
		}
		if paused {
			release()
			continue
		}
		// From here the send is on its way: hold the chat for as long as it may take. If the
		// short hold ran out during a long wait and another sender took the chat, queue again.
		ours, err := extendScript.Run(ctx, t.r.c, []string{key}, tok, t.hold.Milliseconds()).Int()
		if err != nil {
			release()
			return nil, fmt.Errorf("throttle chat: %w", err)
		}
		if ours == 0 {
			continue
		}
		return release, nil
	}
}

// holdChat waits until the chat is free and holds it, briefly, for this sender.
func (t *Throttle) holdChat(ctx context.Context, key, tok string) error {
	for {
		ok, err := t.r.c.SetNX(ctx, key, tok, queueHold).Result()
		if err != nil {
			return fmt.Errorf("throttle chat: %w", err)
		}
		if ok {
			return nil
		}
		left, err := t.r.c.PTTL(ctx, key).Result()
		if err != nil {
			return fmt.Errorf("throttle chat: %w", err)
		}
		if err := sleepCtx(ctx, min(max(left, 5*time.Millisecond), 100*time.Millisecond)); err != nil {
			return err
		}
	}
}

// Pause holds every sender for d: Telegram said 429 with retry_after.
func (t *Throttle) Pause(ctx context.Context, d time.Duration) error {
	return t.r.c.Set(ctx, t.r.key("out", "pause"), 1, d).Err()
}

// paused tells whether a 429 pause is in force.
func (t *Throttle) paused(ctx context.Context) (bool, error) {
	left, err := t.r.c.PTTL(ctx, t.r.key("out", "pause")).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, fmt.Errorf("throttle pause: %w", err)
	}
	return left > 0, nil
}

func (t *Throttle) waitPause(ctx context.Context) error {
	for {
		left, err := t.r.c.PTTL(ctx, t.r.key("out", "pause")).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("throttle pause: %w", err)
		}
		if left <= 0 {
			return nil
		}
		if err := sleepCtx(ctx, left); err != nil {
			return err
		}
	}
}

func (t *Throttle) take(ctx context.Context, key string, limit redis_rate.Limit) error {
	for {
		res, err := t.r.limiter.Allow(ctx, key, limit)
		if err != nil {
			return fmt.Errorf("throttle: %w", err)
		}
		if res.Allowed > 0 {
			return nil
		}
		if err := sleepCtx(ctx, res.RetryAfter); err != nil {
			return err
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
