package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/bpsdm/asnbot/flows"
)

var _ flows.StateStore = (*Redis)(nil)

// Redis holds what is shared between replicas and short-lived: conversation state, markers of
// handled updates, per-chat locks, the poller's lease and the flood counters. Every key starts
// with a prefix, so tests (and several bots on one Redis) never see each other's keys.
type Redis struct {
	c        redis.UniversalClient
	prefix   string
	stateTTL time.Duration
	limiter  *redis_rate.Limiter
	flood    redis_rate.Limit
}

// RedisOptions configures the Redis store.
type RedisOptions struct {
	Prefix   string        // e.g. "asnbot:"
	StateTTL time.Duration // idle expiry of a conversation; default 24h
	// FloodLimit updates per FloodWindow from one user are handled; more are slowed down.
	FloodLimit  int
	FloodWindow time.Duration
}

// OpenRedis connects to url (redis://host:port/db) and checks that it answers.
func OpenRedis(ctx context.Context, url string, opt RedisOptions) (*Redis, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	c := redis.NewClient(o)
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("ping redis: %w", err)
	}
	return NewRedis(c, opt), nil
}

// NewRedis wraps an open client.
func NewRedis(c redis.UniversalClient, opt RedisOptions) *Redis {
	if opt.StateTTL <= 0 {
		opt.StateTTL = 24 * time.Hour
	}
	if opt.FloodLimit <= 0 {
		opt.FloodLimit = 20
	}
	if opt.FloodWindow <= 0 {
		opt.FloodWindow = 10 * time.Second
	}
	return &Redis{
		c: c, prefix: opt.Prefix, stateTTL: opt.StateTTL,
		limiter: redis_rate.NewLimiter(c),
		flood:   redis_rate.Limit{Rate: opt.FloodLimit, Burst: opt.FloodLimit, Period: opt.FloodWindow},
	}
}

// Client is the underlying client, for other components that share the connection.
func (r *Redis) Client() redis.UniversalClient { return r.c }

// Prefix is the key prefix.
func (r *Redis) Prefix() string { return r.prefix }

// Close closes the client.
func (r *Redis) Close() error { return r.c.Close() }

// Ping tells whether Redis answers, for /healthz.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }

func (r *Redis) key(parts ...string) string {
	k := r.prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// LoadState implements flows.StateStore.
func (r *Redis) LoadState(ctx context.Context, chatID int64) (flows.State, error) {
	// One round trip for the state and the mark of a registration left unfinished: most
	// chats have neither, and this is on every update's path.
	var state *redis.StringCmd
	var ended *redis.IntCmd
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		state = p.Get(ctx, r.key("state", id(chatID)))
		ended = p.Exists(ctx, r.key("draft", id(chatID)))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return flows.State{}, fmt.Errorf("get state: %w", err)
	}
	b, err := state.Bytes()
	if errors.Is(err, redis.Nil) {
		// No conversation; a registration draft that outlived its time is told as such.
		return flows.State{Ended: ended.Val() > 0}, nil
	}
	if err != nil {
		return flows.State{}, fmt.Errorf("get state: %w", err)
	}
	var s flows.State
	if err := json.Unmarshal(b, &s); err != nil {
		// A state we cannot read is dropped rather than trapping the user in it.
		return flows.State{}, nil
	}
	return s, nil
}

// draftMarkTTL is how long after a registration draft expired its user is still told so
// (instead of a bare "please register"): a month, as long as one looks for a lost SK.
const draftMarkTTL = 30 * 24 * time.Hour

// SaveState implements flows.StateStore; every save restarts the idle expiry, the state's own
// (State.Lifetime: a registration draft is kept 7 days) when longer than the default. A draft
// also leaves a mark that outlives it, so the user who comes back later hears that it ended.
func (r *Redis) SaveState(ctx context.Context, chatID int64, s flows.State) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	ttl := max(r.stateTTL, s.Lifetime())
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, r.key("state", id(chatID)), b, ttl)
		if s.Lifetime() > 0 {
			p.Set(ctx, r.key("draft", id(chatID)), "1", ttl+draftMarkTTL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set state: %w", err)
	}
	return nil
}

// ClearState implements flows.StateStore: the conversation ended (finished, left, or told
// that it had expired), and with it the draft's mark.
func (r *Redis) ClearState(ctx context.Context, chatID int64) error {
	// Two DELs rather than one of two keys, which a Redis Cluster refuses (CROSSSLOT).
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, r.key("state", id(chatID)))
		p.Del(ctx, r.key("draft", id(chatID)))
		return nil
	})
	if err != nil {
		return fmt.Errorf("del state: %w", err)
	}
	return nil
}

// doneTTL outlives Telegram's 24 h retention of undelivered updates, so any redelivery of a
// handled update is recognised.
const doneTTL = 48 * time.Hour

// Flood counts one update from userID and reports whether it may be handled and, when not,
// whether this is the first refusal of the window (the one that gets a polite message).
func (r *Redis) Flood(ctx context.Context, userID int64) (allowed, firstRefusal bool, err error) {
	res, err := r.limiter.Allow(ctx, r.key("flood", id(userID)), r.flood)
	if err != nil {
		return false, false, fmt.Errorf("flood limit: %w", err)
	}
	if res.Allowed > 0 {
		return true, false, nil
	}
	first, err := r.c.SetNX(ctx, r.key("flood", "told", id(userID)), 1, r.flood.Period).Result()
	if err != nil {
		return false, false, fmt.Errorf("flood notice: %w", err)
	}
	return false, first, nil
}

func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
