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
	// On average no faster than the limit: GCRA admits a burst of rate/5 at once, then the rate.
	// (A span, not a window count: a goroutine scheduled late can only lengthen it.)
	sort.Slice(all, func(i, j int) bool { return all[i].Before(all[j]) })
	if span := all[len(all)-1].Sub(all[0]); span < time.Duration(float64(80-8-1)/40*float64(time.Second)) {
		t.Errorf("80 sends within %v, limit 40 a second", span)
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
