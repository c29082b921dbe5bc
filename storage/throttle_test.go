package storage_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// span runs n waits at once, alternating between two replicas' throttles on one Redis, and
// returns the time from the first pass to the last. A goroutine scheduled late can only
// lengthen it, so "at least" assertions on it are safe on a busy machine.
func span(t *testing.T, global, perChat, n int, chat func(i int) int64) time.Duration {
	t.Helper()
	r := storagetest.Redis(t, storage.RedisOptions{})
	replicas := []*storage.Throttle{r.NewThrottle(global, perChat, time.Minute), r.NewThrottle(global, perChat, time.Minute)}
	var mu sync.Mutex
	var passed []time.Time
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := replicas[i%2].Wait(context.Background(), chat(i))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			passed = append(passed, time.Now())
			mu.Unlock()
			done()
		}()
	}
	wg.Wait()
	if len(passed) != n {
		t.Fatalf("%d of %d passed", len(passed), n)
	}
	sort.Slice(passed, func(i, j int) bool { return passed[i].Before(passed[j]) })
	return passed[n-1].Sub(passed[0])
}

// TestThrottleGlobalLimitAcrossReplicas: 80 messages to 80 chats at 40 a second in all.
// GCRA admits a burst of rate/5 at once, then the rate: at least (80-8-1)/40 s.
func TestThrottleGlobalLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	if got := span(t, 40, 1, 80, func(i int) int64 { return int64(1000 + i) }); got < 1700*time.Millisecond {
		t.Errorf("80 sends within %v, limit 40 a second", got)
	}
}

// TestThrottlePerChatLimitAcrossReplicas: 12 messages to one chat at 10 a second, the global
// limit far away: at least (12-1-1)/10 s.
func TestThrottlePerChatLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	if got := span(t, 1000, 10, 12, func(int) int64 { return 7 }); got < 950*time.Millisecond {
		t.Errorf("12 sends to one chat within %v, limit 10 a second", got)
	}
}

func TestThrottlePause(t *testing.T) {
	t.Parallel()
	r := storagetest.Redis(t, storage.RedisOptions{})
	th := r.NewThrottle(100, 100, time.Minute)
	if err := th.Pause(context.Background(), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	done, err := r.NewThrottle(100, 100, time.Minute).Wait(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	done()
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Errorf("another replica sent %v into a 300ms pause after a 429", waited)
	}
}

// TestThrottleChatGapCountsFromTheSendsEnd: a send that takes long holds its chat until it
// returns, and the next one waits the gap from then, so the two cannot reach Telegram closer
// than the limit however slow the first request was.
func TestThrottleChatGapCountsFromTheSendsEnd(t *testing.T) {
	t.Parallel()
	r := storagetest.Redis(t, storage.RedisOptions{})
	a, b := r.NewThrottle(100, 2, time.Minute), r.NewThrottle(100, 2, time.Minute) // two replicas, 2 a second to a chat
	done, err := a.Wait(context.Background(), 9)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	go func() { time.Sleep(400 * time.Millisecond); done() }() // a slow send
	next, err := b.Wait(context.Background(), 9)
	if err != nil {
		t.Fatal(err)
	}
	next()
	if waited := time.Since(start); waited < 400*time.Millisecond+500*time.Millisecond {
		t.Errorf("the next send to the chat went %v after the first began; want its 0.4 s plus the 0.55 s gap", waited)
	}
	// Another chat is not held.
	other, err := b.Wait(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	other()
}
