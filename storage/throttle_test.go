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

// maxInWindow is the most timestamps within any window of length w.
func maxInWindow(ts []time.Time, w time.Duration) int {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// TestThrottleAcrossTwoInstances: two replicas' throttles on one Redis keep the global and the
// per-chat limits together.
func TestThrottleAcrossTwoInstances(t *testing.T) {
	t.Parallel()
	r := storagetest.Redis(t, storage.RedisOptions{})
	a, b := r.NewThrottle(40, 10), r.NewThrottle(40, 10)
	var mu sync.Mutex
	var all, oneChat []time.Time
	var wg sync.WaitGroup
	for i := range 80 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			th := a
			if i%2 == 1 {
				th = b
			}
			chat := int64(1000 + i)
			if i < 20 {
				chat = 7 // a quarter go to one chat
			}
			if err := th.Wait(context.Background(), chat); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			all = append(all, time.Now())
			if chat == 7 {
				oneChat = append(oneChat, time.Now())
			}
		}()
	}
	wg.Wait()
	// GCRA admits the burst (rate/5) on top of the rate in a window.
	if got := maxInWindow(all, time.Second); got > 40+8+1 {
		t.Errorf("%d sends within one second over all chats, limit 40 (+8 burst)", got)
	}
	// One chat's messages keep its rate on average; they may bunch behind the global limit.
	sort.Slice(oneChat, func(i, j int) bool { return oneChat[i].Before(oneChat[j]) })
	if span := oneChat[len(oneChat)-1].Sub(oneChat[0]); span < 1700*time.Millisecond {
		t.Errorf("20 sends to one chat within %v, limit 10 a second", span)
	}
	if len(all) != 80 {
		t.Errorf("%d of 80 sends went through", len(all))
	}
}

func TestThrottlePause(t *testing.T) {
	t.Parallel()
	r := storagetest.Redis(t, storage.RedisOptions{})
	th := r.NewThrottle(100, 100)
	if err := th.Pause(context.Background(), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := r.NewThrottle(100, 100).Wait(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Errorf("another replica sent %v into a 300ms pause after a 429", waited)
	}
}
