package flows

import (
	"testing"
	"time"
)

func TestOfferDeadline(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	wita := time.FixedZone("WITA", 8*3600)
	at := func(z *time.Location, d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, z) }
	farBatch := Batch{TimeZone: "Asia/Jakarta", StartsAt: at(wib, 30, 8, 0)}
	for _, c := range []struct {
		name string
		now  time.Time
		b    Batch
		want time.Time
	}{
		{"morning: 11 h today, 13 h tomorrow", at(wib, 22, 10, 0), farBatch, at(wib, 23, 19, 0)},
		{"evening: the night is not counted", at(wib, 22, 20, 30), farBatch, at(wib, 24, 14, 30)},
		{"at night: counting starts at 06.00", at(wib, 22, 23, 0), farBatch, at(wib, 24, 15, 0)},
		{"before dawn", at(wib, 22, 3, 0), farBatch, at(wib, 23, 15, 0)},
		{"exactly 21.00", at(wib, 22, 21, 0), farBatch, at(wib, 24, 15, 0)},
		{"the batch's own zone", at(wib, 22, 10, 0), Batch{TimeZone: "Asia/Makassar", StartsAt: at(wita, 30, 8, 0)},
			at(wita, 23, 20, 0)}, // 10.00 WIB is 11.00 WITA: 10 h, then 14 h
		{"near the start: two hours before it", at(wib, 22, 10, 0), Batch{TimeZone: "Asia/Jakarta", StartsAt: at(wib, 23, 8, 0)},
			at(wib, 23, 6, 0)},
		{"on a whole minute, rounded up", at(wib, 22, 10, 0).Add(1500 * time.Millisecond), farBatch, at(wib, 23, 19, 1)},
		{"too near to ask", at(wib, 22, 10, 0), Batch{TimeZone: "Asia/Jakarta", StartsAt: at(wib, 22, 12, 30)}, time.Time{}},
	} {
		got := OfferDeadline(c.now, c.b)
		if !got.Equal(c.want) || (c.want.IsZero() != got.IsZero()) {
			t.Errorf("%s: %v, want %v", c.name, got.In(c.want.Location()), c.want)
		}
	}
}
