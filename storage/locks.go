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

// Lock waits until it holds name, polling every few milliseconds, or ctx ends.
func (r *Redis) Lock(ctx context.Context, name string, ttl time.Duration) (*Lock, error) {
	wait := 5 * time.Millisecond
	for {
		l, ok, err := r.TryLock(ctx, name, ttl)
		if err != nil || ok {
			return l, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lock %s: %w", name, ctx.Err())
		case <-t.C:
		}
		if wait < 100*time.Millisecond {
			wait *= 2
		}
	}
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

// Held is a lock or lease this process holds. It is an alias of an unnamed interface, so that
// a package that uses it (bot) can declare the same type without importing storage.
type Held = interface {
	Extend(ctx context.Context) error
	Unlock(ctx context.Context) error
}

// LockChat waits until this process alone handles chatID's updates.
func (r *Redis) LockChat(ctx context.Context, chatID int64, ttl time.Duration) (Held, error) {
	l, err := r.Lock(ctx, "chat:"+id(chatID), ttl)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// TryLease takes the named lease (the poller's) if nobody holds it.
func (r *Redis) TryLease(ctx context.Context, name string, ttl time.Duration) (Held, bool, error) {
	l, ok, err := r.TryLock(ctx, "lease:"+name, ttl)
	if !ok {
		return nil, false, err
	}
	return l, true, nil
}
