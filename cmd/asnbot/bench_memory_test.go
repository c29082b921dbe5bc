package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/bpsdm/asnbot/bot/telegramtest"
)

// BenchmarkOpenConversations: N people (default 10,000; ASNBOT_BENCH_USERS) are in the middle
// of registering at once (consent given, name typed, the NIP asked), through the fake Bot API.
// It reports the Redis bytes each open conversation takes (MEMORY USAGE of its state key) and
// the bot's peak RSS: the bot runs as a process of its own, the test binary run again.
//
//	go test -run '^$' -bench OpenConversations -benchtime 1x -timeout 30m ./cmd/asnbot/
func BenchmarkOpenConversations(b *testing.B) {
	n := benchEnv("ASNBOT_BENCH_USERS", 10000)
	for range b.N {
		h := newHarness(b, map[string]string{"FLOOD_LIMIT": "1000"})
		h.stop() // the bot runs as a child process, so its memory is its own
		env := map[string]string{}
		for k, v := range h.env {
			env[k] = v
		}
		bot := startChild(b, env)
		users := make([]*telegramtest.User, n)
		for i := range users {
			users[i] = h.tg.User(int64(300000+i), "M"+strconv.Itoa(i))
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, 200)
		for _, u := range users {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				u.Send("/start")
				u.Next(b)
				consent := u.Next(b)
				u.Press(b, consent, "✅ Setuju")
				u.Next(b)
				u.Send("Budi Santoso Wicaksono, S.Kom.")
				u.Next(b)
			}()
		}
		wg.Wait()
		rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
		ctx := context.Background()
		var total, keys int64
		for _, u := range users {
			n, err := rdb.MemoryUsage(ctx, h.env["REDIS_PREFIX"]+"state:"+itoa(u.ID)).Result()
			if err == nil {
				total, keys = total+n, keys+1
			}
		}
		_ = rdb.Close()
		if keys != int64(n) {
			b.Fatalf("%d of %d conversations have a state in Redis", keys, n)
		}
		b.ReportMetric(float64(total)/float64(keys), "redis_B/conversation")
		b.ReportMetric(float64(peakRSS(bot.cmd.Process.Pid))/(1<<20), "bot_peak_RSS_MB")
		_ = bot.cmd.Process.Signal(syscall.SIGTERM)
		_ = bot.cmd.Wait()
	}
}

// peakRSS reads a process's peak resident set (VmHWM), in bytes.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
