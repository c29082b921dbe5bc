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
}

// inFlight bounds how long a chat is held for a send whose sender died before it returned.
const inFlight = 30 * time.Second

// NewThrottle returns a throttle of global messages a second in all and perChat to one chat.
func (r *Redis) NewThrottle(global, perChat int) *Throttle {
	return &Throttle{r: r,
		global: redis_rate.Limit{Rate: global, Burst: max(1, global/5), Period: time.Second},
		gap:    time.Second * 11 / time.Duration(10*perChat),
	}
}

// Wait blocks until a message to chatID may be sent, or ctx ends. It holds the chat until
// done is called, which the caller does once the send has returned (whatever its outcome).
func (t *Throttle) Wait(ctx context.Context, chatID int64) (done func(), err error) {
	if err := t.waitPause(ctx); err != nil {
		return nil, err
	}
	key, tok := t.r.key("out", "chat", id(chatID)), token()
	for {
		ok, err := t.r.c.SetNX(ctx, key, tok, inFlight).Result()
		if err != nil {
			return nil, fmt.Errorf("throttle chat: %w", err)
		}
		if ok {
			break
		}
		left, err := t.r.c.PTTL(ctx, key).Result()
		if err != nil {
			return nil, fmt.Errorf("throttle chat: %w", err)
		}
		if err := sleepCtx(ctx, min(max(left, 5*time.Millisecond), 100*time.Millisecond)); err != nil {
			return nil, err
		}
	}
	done = func() {
		// The chat stays held for gap from now: the next send to it starts no sooner.
		_ = extendScript.Run(context.WithoutCancel(ctx), t.r.c, []string{key}, tok, t.gap.Milliseconds()).Err()
	}
	if err := t.take(ctx, t.r.key("out", "all"), t.global); err != nil {
		done()
		return nil, err
	}
	return done, nil
}

// Pause holds every sender for d: Telegram said 429 with retry_after.
func (t *Throttle) Pause(ctx context.Context, d time.Duration) error {
	return t.r.c.Set(ctx, t.r.key("out", "pause"), 1, d).Err()
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
