package flows

import (
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	t.Parallel()
	wita := zone(t, "Asia/Makassar")
	at := func(d, h, m int) time.Time { return time.Date(2027, 1, d, h, m, 0, 0, wita) }
	tests := []struct {
		in         string
		start, end time.Time
	}{
		{"12/01/2027 08:00 - 14/01/2027 16:00", at(12, 8, 0), at(14, 16, 0)},
		{"12/01/2027 08.00 s.d. 14/01/2027 16.00", at(12, 8, 0), at(14, 16, 0)},
		{"2027-01-12 08:00 – 2027-01-14 16:00", at(12, 8, 0), at(14, 16, 0)},
		{"2027-01-12T08:00:00+08:00 - 2027-01-14T08:00:00Z", at(12, 8, 0), at(14, 16, 0)},
		{"12/01/2027 SAMPAI 12/01/2027", at(12, 0, 0), at(12, 23, 59)},
		{"  12/01/2027   sd   14/01/2027 ", at(12, 0, 0), at(14, 23, 59)},
	}
	for _, tt := range tests {
		start, end, ok := parseRange(tt.in, wita)
		if !ok || !start.Equal(tt.start) || !end.Equal(tt.end) {
			t.Errorf("%q: %v %v %v, want %v %v", tt.in, start, end, ok, tt.start, tt.end)
		}
	}
	for _, bad := range []string{"", "minggu depan", "12/01/2027 08:00", "12/01/2027 - besok", "32/01/2027 - 14/01/2027"} {
		if _, _, ok := parseRange(bad, wita); ok {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func TestLateLead(t *testing.T) {
	t.Parallel()
	wit := zone(t, "Asia/Jayapura")
	start := time.Date(2027, 1, 11, 8, 0, 0, 0, wit)
	cases := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2027, 1, 8, 6, 0, 0, 0, wit), "pengingat.lagi_hari"},
		{time.Date(2027, 1, 10, 6, 0, 0, 0, wit), "pengingat.lagi_besok"},
		// 23.30 WIB on the 10th is 01.30 WIT on the 11th: the same day there.
		{time.Date(2027, 1, 10, 23, 30, 0, 0, zone(t, "Asia/Jakarta")), "pengingat.lagi_jam"},
		{time.Date(2027, 1, 11, 7, 0, 0, 0, wit), "pengingat.lagi_segera"},
	}
	for _, c := range cases {
		got := lateLead(start, c.now, wit)
		lead, _ := got.Args["Lead"].(Text)
		if got.Key != "pengingat.tertunda" || lead.Key != c.want {
			t.Errorf("%v: %+v, want %s", c.now, got, c.want)
		}
	}
}
