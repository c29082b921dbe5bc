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
	r       *Redis
	global  redis_rate.Limit
	perChat redis_rate.Limit
}

// NewThrottle returns a throttle of global messages a second in all and perChat to one chat.
func (r *Redis) NewThrottle(global, perChat int) *Throttle {
	return &Throttle{r: r,
		global:  redis_rate.Limit{Rate: global, Burst: max(1, global/5), Period: time.Second},
		perChat: redis_rate.Limit{Rate: perChat, Burst: 1, Period: time.Second},
	}
}

// Wait blocks until a message to chatID may be sent, or ctx ends.
func (t *Throttle) Wait(ctx context.Context, chatID int64) error {
	if err := t.waitPause(ctx); err != nil {
		return err
	}
	if err := t.take(ctx, t.r.key("out", "chat", id(chatID)), t.perChat); err != nil {
		return err
	}
	return t.take(ctx, t.r.key("out", "all"), t.global)
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
