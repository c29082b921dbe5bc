package flows

import (
	"testing"
	"time"
)

func TestAttendanceCodes(t *testing.T) {
	s := AttendanceSession{Secret: []byte("rahasia-sesi")}
	other := AttendanceSession{Secret: []byte("sesi-lain")}
	t0 := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC) // on a period's start
	c0 := s.Code(t0)
	if len(c0) != 6 || s.Code(t0.Add(29*time.Second)) != c0 || s.Code(t0.Add(30*time.Second)) == c0 {
		t.Fatalf("a code lasts one 30-second period: %s %s %s", c0, s.Code(t0.Add(29*time.Second)), s.Code(t0.Add(30*time.Second)))
	}
	if other.Code(t0) == c0 {
		t.Error("two sessions share a code")
	}
	for _, c := range []struct {
		name string
		at   time.Time
		want codeState
	}{
		{"its own period", t0.Add(10 * time.Second), codeValid},
		{"the next period (typed as it changed)", t0.Add(40 * time.Second), codeValid},
		{"two periods on", t0.Add(61 * time.Second), codeExpired},
		{"fourteen minutes on", t0.Add(14 * time.Minute), codeExpired},
		{"twenty minutes on", t0.Add(20 * time.Minute), codeUnknown},
		{"before it was shown", t0.Add(-31 * time.Second), codeUnknown},
	} {
		if got := s.codeState(c0, c.at); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	for in, want := range map[string]string{"482 913": "482913", "482-913": "482913", " 482913 ": "482913", "48291": "", "48291a": "", "4829130": ""} {
		if got, ok := attendanceCode(in); got != want || ok != (want != "") {
			t.Errorf("attendanceCode(%q) = %q, %v", in, got, ok)
		}
	}
}
