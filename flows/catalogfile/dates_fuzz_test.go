package catalogfile

import (
	"strings"
	"testing"
	"time"
)

// Dates come typed by admins: in catalogue files and in chat (/ubahjadwal's period, an
// announcement's time). Whatever is typed, the parser must not panic, and what it accepts
// must be the date written, in the zone asked for.

var fuzzZones = []*time.Location{wib, wita, wit, time.UTC}

// FuzzParseDate checks ParseDate: an accepted date is in the zone asked for (RFC 3339's own
// offset decides only the instant); written back in a form it takes, it reads the same;
// spaces around and between do not matter; and endOfDay moves a bare date to 23.59 and a
// date with a time not at all.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2027-01-12 08:00", "2027-01-12 08.00", "2027-1-5 8:30", "2027-01-12 08:00:00", "12/01/2027 08:00",
		"12/01/2027 08.00", "5/1/2027 13:15", "12-01-2027 08:00", "2027-01-12  08:00 ", "2027-01-12T08:00",
		"2027-01-12", "12/01/2027", "2027-01-12T08:00:00+07:00", "2027-01-12T00:00:00Z",
		"2027-01-12T08:00:00.123456789-23:59", "0000-01-01", "9999-12-31 23:59:59", "29/02/2028", "",
		"besok", "2027-13-01", "30/02/2027", "01/25/2027", "2027-01-12 25:00", "12 Januari 2027",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, zone uint8) {
		loc := fuzzZones[int(zone)%len(fuzzZones)]
		got, ok := ParseDate(s, loc, false)
		end, endOK := ParseDate(s, loc, true)
		if ok != endOK {
			t.Fatalf("ParseDate(%q): %v at the start of a day, %v at its end", s, ok, endOK)
		}
		if spaced, spacedOK := ParseDate(" \t"+strings.ReplaceAll(s, " ", "  ")+"\n", loc, false); spacedOK != ok || !spaced.Equal(got) {
			t.Fatalf("ParseDate(%q) = %v, %v but with more spaces %v, %v", s, got, ok, spaced, spacedOK)
		}
		if !ok {
			if !got.IsZero() || !end.IsZero() {
				t.Fatalf("ParseDate(%q) refused, yet %v %v", s, got, end)
			}
			return
		}
		if got.Location() != loc || end.Location() != loc {
			t.Fatalf("ParseDate(%q) = %v in %v, asked for %v", s, got, got.Location(), loc)
		}
		if d := end.Sub(got); d != 0 && d != 23*time.Hour+59*time.Minute {
			t.Fatalf("ParseDate(%q): end of day %v is %v after its start %v", s, end, d, got)
		}
		if d := end.Sub(got); d != 0 && (got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0) {
			t.Fatalf("ParseDate(%q) = %v with a time, yet moved to the end of the day", s, got)
		}
		if y := got.Year(); y < 0 || y > 9999 {
			return // written back, it would need more than four digits of year
		}
		for _, w := range []struct {
			layout string
			keep   time.Duration // what the layout keeps of the time
		}{
			{"2006-01-02 15:04:05", time.Second}, {"02/01/2006 15.04", time.Minute}, {time.RFC3339Nano, 1},
		} {
			if _, off := got.Zone(); w.layout == time.RFC3339Nano && off%60 != 0 {
				continue // RFC 3339 writes the offset in minutes: Jakarta's before 1924 has seconds
			}
			text := got.Format(w.layout)
			want := wallTruncate(got, w.keep)
			if back, ok := ParseDate(text, loc, false); !ok || !back.Equal(want) || back.Location() != loc {
				t.Fatalf("ParseDate(%q) = %v, written %q, reads back %v, %v", s, got, text, back, ok)
			}
		}
	})
}

// FuzzParsePeriod checks ParsePeriod: no panic on any text (the separator is found in a
// lower-cased copy whose indexes cut the original), and an accepted period is its two halves
// read as ParseDate reads them.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{
		"12/01/2027 08:00 - 14/01/2027 16:00", "12/01/2027 08.00 s.d. 14/01/2027 16.00",
		"2027-01-12 08:00 – 2027-01-14 16:00", "2027-01-12T08:00:00+08:00 - 2027-01-14T08:00:00Z",
		"12/01/2027 SAMPAI 12/01/2027", "  12/01/2027   sd   14/01/2027 ", "", "minggu depan", "12/01/2027 08:00",
		"12/01/2027 - besok", "32/01/2027 - 14/01/2027", "Ä 12/01/2027 S/D 14/01/2027", "\xff\xff - 1/1/2027",
	} {
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, zone uint8) {
		loc := fuzzZones[int(zone)%len(fuzzZones)]
		start, end, ok := ParsePeriod(s, loc)
		if !ok {
			return
		}
		if start.Location() != loc || end.Location() != loc {
			t.Fatalf("ParsePeriod(%q) = %v %v, asked for %v", s, start, end, loc)
		}
		// Some split of s at a separator gives the two dates.
		norm := strings.Join(strings.Fields(s), " ")
		for _, sep := range periodSeparators {
			for i := range len(norm) - len(sep) + 1 {
				if !strings.EqualFold(norm[i:i+len(sep)], sep) {
					continue
				}
				a, okA := ParseDate(norm[:i], loc, false)
				b, okB := ParseDate(norm[i+len(sep):], loc, true)
				if okA && okB && a.Equal(start) && b.Equal(end) {
					return
				}
			}
		}
		t.Fatalf("ParsePeriod(%q) = %v - %v, which no split of the text gives", s, start, end)
	})
}

// wallTruncate cuts t's wall clock to the second or minute (Truncate cuts the instant, which
// differs in a zone whose offset has seconds, as Jakarta's before 1924).
func wallTruncate(t time.Time, keep time.Duration) time.Time {
	y, m, d := t.Date()
	switch keep {
	case time.Minute:
		return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, t.Location())
	case time.Second:
		return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, t.Location())
	}
	return t
}
