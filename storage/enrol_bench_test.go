package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// BenchmarkEnrolConcurrent: 1,000 participants enrol at once, 32 at a time, each taking a
// seat (six notices planned with it), either all in one batch or spread over ten. The ratio
// shows what deciding the seats of one batch one after another costs.
//
//	go test -run '^$' -bench EnrolConcurrent -benchtime 1x -count 3 ./storage/
func BenchmarkEnrolConcurrent(b *testing.B) {
	for _, spread := range []int{1, 10} {
		b.Run(fmt.Sprintf("batches=%d", spread), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := storagetest.DB(b)
				ctx := context.Background()
				c := sampleCourse(1000)
				for i := 1; i < spread; i++ {
					nb := c.Batches[0]
					nb.Name = fmt.Sprintf("Angkatan %d", i+1)
					c.Batches = append(c.Batches, nb)
				}
				if _, err := db.Import(ctx, []catalogfile.Course{c}, now, testActor); err != nil {
					b.Fatal(err)
				}
				_, batches, _ := db.Course(ctx, "TEK-01")
				const n = 1000
				ids := people(b, db, n)
				work := make(chan int)
				var wg sync.WaitGroup
				start := time.Now()
				b.StartTimer()
				for range 32 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range work {
							if _, err := db.Enrol(ctx, ids[i], batches[i%len(batches)].ID, now); err != nil {
								b.Error(err)
							}
						}
					}()
				}
				for i := range n {
					work <- i
				}
				close(work)
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(n/time.Since(start).Seconds(), "enrolments/s")
			}
		})
	}
}
