package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Compare-and-delete and compare-and-extend: a lock or lease is only ever released or renewed
// by the holder whose random token it carries, never by a process whose hold had expired.
var (
	releaseScript = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`)
	extendScript  = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`)
)

// ErrLockLost means a lock or lease expired and another holder may have it.
var ErrLockLost = errors.New("lock lost")

// Lock is a held Redis lock.
type Lock struct {
	r     *Redis
	key   string
	token string
	ttl   time.Duration
}

// TryLock takes name for ttl if nobody holds it; ok is false when someone does.
func (r *Redis) TryLock(ctx context.Context, name string, ttl time.Duration) (*Lock, bool, error) {
	l := &Lock{r: r, key: r.key("lock", name), token: token(), ttl: ttl}
	ok, err := r.c.SetNX(ctx, l.key, l.token, ttl).Result()
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		return nil, false, nil
	}
	return l, true, nil
}

// Extend renews the lock for another ttl; ErrLockLost when it had expired.
func (l *Lock) Extend(ctx context.Context) error {
	n, err := extendScript.Run(ctx, l.r.c, []string{l.key}, l.token, l.ttl.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("extend lock: %w", err)
	}
	if n == 0 {
		return ErrLockLost
	}
	return nil
}

// Unlock releases the lock if it is still ours.
func (l *Lock) Unlock(ctx context.Context) error {
	if err := releaseScript.Run(ctx, l.r.c, []string{l.key}, l.token).Err(); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	return nil
}

// TryLease takes the named lease (the poller's) if nobody holds it, and keeps it until release
// is called; lost is closed if it could not be renewed.
func (r *Redis) TryLease(ctx context.Context, name string, ttl time.Duration) (lost <-chan struct{}, release func(), ok bool, err error) {
	l, ok, err := r.TryLock(ctx, "lease:"+name, ttl)
	if !ok {
		return nil, nil, false, err
	}
	lost, stop := l.keepAlive()
	return lost, func() {
		stop()
		_ = l.Unlock(context.WithoutCancel(ctx))
	}, true, nil
}

// keepAlive extends l every ttl/3 until stop is called; lost is closed when Redis says the lock
// is no longer ours (it expired, and may have another holder).
//
// While Redis cannot be reached the lock is kept, and renewed once it answers: nobody can take
// it meanwhile. Giving it up then stopped the poller for the whole of a Redis outage, so users
// got no answer at all (not even that their message would be handled later) until Redis came
// back. A replica cut off from Redis alone, while another takes the lease, steps down at its
// first 409 Conflict from getUpdates (bot.Poller).
func (l *Lock) keepAlive() (lost <-chan struct{}, stop func()) {
	gone := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		t := time.NewTicker(l.ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				err := l.Extend(ctx)
				if !errors.Is(err, ErrLockLost) || ctx.Err() != nil {
					continue // renewed, or Redis unreachable: tried again at the next tick
				}
				close(gone)
				return
			}
		}
	}()
	return gone, cancel
}

// BeginUpdate waits until this process alone handles chatID's updates (polling every few
// milliseconds, or until ctx ends) and tells, in the same round trip, whether updateID was
// handled already. end releases the chat, and first marks
// the update handled when asked, again in one round trip: an update costs two round trips
// to Redis for its lock and its duplicate check instead of four.
func (r *Redis) BeginUpdate(ctx context.Context, chatID, updateID int64, ttl time.Duration) (end func(handled bool) error, seen bool, err error) {
	l := &Lock{r: r, key: r.key("lock", "chat:"+id(chatID)), token: token(), ttl: ttl}
	done := r.key("done", id(updateID))
	wait := 5 * time.Millisecond
	for {
		pipe := r.c.Pipeline()
		took := pipe.SetNX(ctx, l.key, l.token, ttl)
		exists := pipe.Exists(ctx, done)
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, false, fmt.Errorf("lock chat: %w", err)
		}
		if took.Val() {
			seen = exists.Val() > 0
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, false, fmt.Errorf("lock chat: %w", ctx.Err())
		case <-t.C:
		}
		if wait < 100*time.Millisecond {
			wait *= 2
		}
	}
	_, stop := l.keepAlive()
	return func(handled bool) error {
		stop()
		ctx := context.WithoutCancel(ctx)
		pipe := r.c.Pipeline()
		if handled {
			pipe.Set(ctx, done, 1, doneTTL)
		}
		releaseScript.Eval(ctx, pipe, []string{l.key}, l.token)
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("end update: %w", err)
		}
		return nil
	}, seen, nil
}
