package asn

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wib is Asia/Jakarta as a fixed zone, so the tests need no tzdata.
var wib = time.FixedZone("WIB", 7*3600)

// testNow is a fixed "today" for every NIP test: 15 June 2026, 10:00 WIB.
var testNow = time.Date(2026, time.June, 15, 10, 0, 0, 0, wib)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseNIPValid(t *testing.T) {
	t.Parallel()
	pns := NIP{
		Digits: "198609262015051001", BirthDate: date(1986, time.September, 26), Kind: PNS,
		AppointedYear: 2015, AppointedMonth: 5, Gender: 1, Sequence: 1,
	}
	pppk := NIP{
		Digits: "199001012022212003", BirthDate: date(1990, time.January, 1), Kind: PPPK,
		AppointedYear: 2022, Period: 1, Gender: 2, Sequence: 3,
	}
	tests := []struct {
		name  string
		input string
		want  NIP
	}{
		{"pns grouped with spaces", "19860926 201505 1 001", pns},
		{"pns bare digits", "198609262015051001", pns},
		{"pns with dots", "19860926.201505.1.001", pns},
		{"pns with dashes", "19860926-201505-1-001", pns},
		{"pns with en dashes", "19860926–201505–1–001", pns},
		{"pns with non-breaking spaces", "19860926\u00a0201505\u00a01\u00a0001", pns},
		{"pns with double spaces and padding", "  19860926  201505 1  001 \n", pns},
		{"pns grouped differently", "1986 0926 2015 05 1 001", pns},
		{"pns mixed separators", "19860926. 201505 - 1.001", pns},
		{"pppk grouped with spaces", "19900101 202221 2 003", pppk},
		{"pppk bare digits", "199001012022212003", pppk},
		{"pppk with dots", "19900101.202221.2.003", pppk},
		{"pppk period 9, sequence 999", "19900101 202329 1 999", NIP{
			Digits: "199001012023291999", BirthDate: date(1990, time.January, 1), Kind: PPPK,
			AppointedYear: 2023, Period: 9, Gender: 1, Sequence: 999,
		}},
		{"leap-day birth", "19880229 201001 2 015", NIP{
			Digits: "198802292010012015", BirthDate: date(1988, time.February, 29), Kind: PNS,
			AppointedYear: 2010, AppointedMonth: 1, Gender: 2, Sequence: 15,
		}},
		{"leap-day birth, 2000", "20000229 202403 2 001", NIP{
			Digits: "200002292024032001", BirthDate: date(2000, time.February, 29), Kind: PNS,
			AppointedYear: 2024, AppointedMonth: 3, Gender: 2, Sequence: 1,
		}},
		{"pns december appointment", "19751231 199912 1 002", NIP{
			Digits: "197512311999121002", BirthDate: date(1975, time.December, 31), Kind: PNS,
			AppointedYear: 1999, AppointedMonth: 12, Gender: 1, Sequence: 2,
		}},
		{"appointed this month", "19900101 202606 1 001", NIP{
			Digits: "199001012026061001", BirthDate: date(1990, time.January, 1), Kind: PNS,
			AppointedYear: 2026, AppointedMonth: 6, Gender: 1, Sequence: 1,
		}},
		{"pppk appointed this year", "19900101 202621 1 001", NIP{
			Digits: "199001012026211001", BirthDate: date(1990, time.January, 1), Kind: PPPK,
			AppointedYear: 2026, Period: 1, Gender: 1, Sequence: 1,
		}},
		{"oldest birth year", "19400101 196001 1 001", NIP{
			Digits: "194001011960011001", BirthDate: date(1940, time.January, 1), Kind: PNS,
			AppointedYear: 1960, AppointedMonth: 1, Gender: 1, Sequence: 1,
		}},
		{"turns 17 today, appointed at exactly 17", "20090615 202606 2 001", NIP{
			Digits: "200906152026062001", BirthDate: date(2009, time.June, 15), Kind: PNS,
			AppointedYear: 2026, AppointedMonth: 6, Gender: 2, Sequence: 1,
		}},
		{"appointed exactly 17 years after the birth month", "19900115 200701 1 001", NIP{
			Digits: "199001152007011001", BirthDate: date(1990, time.January, 15), Kind: PNS,
			AppointedYear: 2007, AppointedMonth: 1, Gender: 1, Sequence: 1,
		}},
		{"pppk appointed in the year of turning 17", "19860926 200321 1 001", NIP{
			Digits: "198609262003211001", BirthDate: date(1986, time.September, 26), Kind: PPPK,
			AppointedYear: 2003, Period: 1, Gender: 1, Sequence: 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, prob := ParseNIP(tt.input, testNow)
			if prob != nil {
				t.Fatalf("ParseNIP(%q) = problem %s %v", tt.input, prob.Key, prob.Args)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseNIP(%q) mismatch (-want +got):\n%s", tt.input, diff)
			}
			// The printed form must parse back to the same NIP.
			again, prob := ParseNIP(got.Formatted(), testNow)
			if prob != nil || !cmp.Equal(again, got) {
				t.Errorf("Formatted %q does not round-trip: %+v, %v", got.Formatted(), again, prob)
			}
		})
	}
}

func TestParseNIPProblems(t *testing.T) {
	t.Parallel()
	type args = map[string]any
	tests := []struct {
		name     string
		input    string
		wantKey  string
		wantArgs args
	}{
		// Characters and length.
		{"letter O for zero", "1986O926 201505 1 001", "nip.invalid_chars", args{"Char": "O"}},
		{"lowercase l for one", "l9860926 201505 1 001", "nip.invalid_chars", args{"Char": "l"}},
		{"slashes", "19860926/201505/1/001", "nip.invalid_chars", args{"Char": "/"}},
		{"a label before it", "NIP: 19860926 201505 1 001", "nip.invalid_chars", args{"Char": "N"}},
		{"an html bracket", "19860926<201505", "nip.invalid_chars", args{"Char": "<"}},
		{"fullwidth digit", "１9860926 201505 1 001", "nip.invalid_chars", args{"Char": "１"}},
		{"letters win over length", "12a", "nip.invalid_chars", args{"Char": "a"}},
		{"too short", "19860926 2015", "nip.length", args{"Count": 12}},
		{"one digit missing", "19860926 201505 1 01", "nip.length", args{"Count": 17}},
		{"one digit too many", "19860926 201505 1 0011", "nip.length", args{"Count": 19}},
		{"an NIK instead", "3374012609860001", "nip.length", args{"Count": 16}},
		{"only separators", " - . ", "nip.length", args{"Count": 0}},
		{"empty", "", "nip.length", args{"Count": 0}},

		// Birth date, digits 1-8.
		{"month 13", "19861332 201505 1 001", "nip.birth_date", args{"Part": "19861332"}},
		{"month 00", "19860026 201505 1 001", "nip.birth_date", args{"Part": "19860026"}},
		{"day 00", "19860900 201505 1 001", "nip.birth_date", args{"Part": "19860900"}},
		{"31 september", "19860931 201505 1 001", "nip.birth_date", args{"Part": "19860931"}},
		{"29 february, common year", "19870229 201505 1 001", "nip.birth_date", args{"Part": "19870229"}},
		{"29 february 1900", "19000229 201505 1 001", "nip.birth_date", args{"Part": "19000229"}},
		{"30 february, leap year", "19880230 201505 1 001", "nip.birth_date", args{"Part": "19880230"}},
		{"born tomorrow", "20260616 201505 1 001", "nip.birth_future", args{"Part": "20260616"}},
		{"born next year", "20270101 201505 1 001", "nip.birth_future", args{"Part": "20270101"}},
		{"born 1939", "19391231 196001 1 001", "nip.too_old", args{"Part": "19391231", "MinYear": 1940}},
		{"born year 0000", "00000101 196001 1 001", "nip.too_old", args{"Part": "00000101", "MinYear": 1940}},
		{"born today", "20260615 202606 1 001", "nip.too_young", args{"Part": "20260615", "MinAge": 17}},
		{"turns 17 tomorrow", "20090616 202606 1 001", "nip.too_young", args{"Part": "20090616", "MinAge": 17}},

		// Appointment, digits 9-14.
		{"month 00", "19860926 201500 1 001", "nip.appointment", args{"Part": "201500"}},
		{"month 13", "19860926 201513 1 001", "nip.appointment", args{"Part": "201513"}},
		{"month 19", "19860926 201519 1 001", "nip.appointment", args{"Part": "201519"}},
		{"pppk marker without period", "19860926 202220 1 001", "nip.appointment", args{"Part": "202220"}},
		{"30", "19860926 202230 1 001", "nip.appointment", args{"Part": "202230"}},
		{"99", "19860926 202299 1 001", "nip.appointment", args{"Part": "202299"}},
		{"pns next month", "19860926 202607 1 001", "nip.appointment_future", args{"Part": "202607"}},
		{"pns next year", "19860926 202701 1 001", "nip.appointment_future", args{"Part": "202701"}},
		{"pppk next year", "19860926 202721 1 001", "nip.appointment_future", args{"Part": "202721"}},
		{"pns before birth", "19860926 198505 1 001", "nip.appointment_before_birth", args{"Part": "198505", "BirthPart": "19860926"}},
		{"pns in the birth month", "19860926 198609 1 001", "nip.appointment_before_birth", args{"Part": "198609", "BirthPart": "19860926"}},
		{"pppk before birth", "19860926 198521 1 001", "nip.appointment_before_birth", args{"Part": "198521", "BirthPart": "19860926"}},
		{"pns at 13", "19860926 200001 1 001", "nip.appointment_too_early", args{"Part": "200001", "MinAge": 17}},
		{"pns one month short of 17", "19900115 200612 1 001", "nip.appointment_too_early", args{"Part": "200612", "MinAge": 17}},
		{"pns the month after birth", "19860926 198610 1 001", "nip.appointment_too_early", args{"Part": "198610", "MinAge": 17}},
		{"pppk at 16", "19860926 200221 1 001", "nip.appointment_too_early", args{"Part": "200221", "MinAge": 17}},
		{"pppk in the birth year", "19860926 198621 1 001", "nip.appointment_too_early", args{"Part": "198621", "MinAge": 17}},

		// Gender, digit 15, and sequence, digits 16-18.
		{"gender 0", "19860926 201505 0 001", "nip.gender", args{"Digit": "0"}},
		{"gender 3", "19860926 201505 3 001", "nip.gender", args{"Digit": "3"}},
		{"gender 9, pppk", "19900101 202221 9 003", "nip.gender", args{"Digit": "9"}},
		{"sequence 000", "19860926 201505 1 000", "nip.sequence", args{"Part": "000"}},
		{"sequence 000, pppk", "19900101 202221 2 000", "nip.sequence", args{"Part": "000"}},

		// The leftmost wrong part is named first.
		{"bad date and bad gender", "19861332 201505 3 000", "nip.birth_date", args{"Part": "19861332"}},
		{"bad appointment and bad gender", "19860926 201513 3 000", "nip.appointment", args{"Part": "201513"}},
		{"bad gender and bad sequence", "19860926 201505 3 000", "nip.gender", args{"Digit": "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, prob := ParseNIP(tt.input, testNow)
			if prob == nil {
				t.Fatalf("ParseNIP(%q) = %+v, want problem %s", tt.input, got, tt.wantKey)
			}
			if !cmp.Equal(got, NIP{}) {
				t.Errorf("ParseNIP(%q) returned a half-filled NIP with its problem: %+v", tt.input, got)
			}
			if prob.Key != tt.wantKey {
				t.Errorf("ParseNIP(%q) key = %q, want %q", tt.input, prob.Key, tt.wantKey)
			}
			if diff := cmp.Diff(tt.wantArgs, prob.Args); diff != "" {
				t.Errorf("ParseNIP(%q) args mismatch (-want +got):\n%s", tt.input, diff)
			}
			if !knownKeys[prob.Key] {
				t.Errorf("key %q is not in knownKeys", prob.Key)
			}
		})
	}
}

// TestParseNIPUsesTheCalendarDateOfNow checks "today" is the date where now is, not in UTC:
// at 01:00 WIB on 16 June it is still 15 June in UTC, and someone born on the 16th turned 17.
func TestParseNIPUsesTheCalendarDateOfNow(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.June, 16, 1, 0, 0, 0, wib)
	if _, prob := ParseNIP("20090616 202606 1 001", now); prob != nil {
		t.Errorf("in WIB: %v", prob)
	}
	if _, prob := ParseNIP("20090616 202606 1 001", now.UTC()); prob == nil || prob.Key != "nip.too_young" {
		t.Errorf("in UTC: got %v, want nip.too_young", prob)
	}
}

func TestProblemErrorHidesInput(t *testing.T) {
	t.Parallel()
	_, prob := ParseNIP("19861332 201505 1 001", testNow)
	if prob == nil {
		t.Fatal("no problem")
	}
	if got := prob.Error(); got != "nip.birth_date" || strings.Contains(got, "1986") {
		t.Errorf("Error() = %q, want only the key", got)
	}
	var err error = prob
	if err.Error() != "nip.birth_date" {
		t.Errorf("as error: %q", err.Error())
	}
	var nilProb *Problem
	if nilProb.Error() == "" {
		t.Error("a nil *Problem must still print something")
	}
}

func TestNIPFormatted(t *testing.T) {
	t.Parallel()
	tests := []struct{ digits, want string }{
		{"198609262015051001", "19860926 201505 1 001"},
		{"199001012022212003", "19900101 202221 2 003"},
		{"12345", "12345"}, // not an NIP: shown as it is rather than cut wrongly
		{"", ""},
	}
	for _, tt := range tests {
		if got := (NIP{Digits: tt.digits}).Formatted(); got != tt.want {
			t.Errorf("Formatted(%q) = %q, want %q", tt.digits, got, tt.want)
		}
	}
}

func TestMaskNIP(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"198609262015051001", "19860926********01"},
		{"19860926 201505 1 001", "19860926********01"},
		{"199001012022212003", "19900101********03"},
		{"12345", "******************"},
		{"", "******************"},
		{"1986092620150510011", "******************"},
		{"19860926 201505 1 0O1", "******************"},
	}
	for _, tt := range tests {
		if got := MaskNIP(tt.in); got != tt.want {
			t.Errorf("MaskNIP(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseNIP checks that no input panics, every problem has a known key, and an accepted
// NIP is self-consistent.
func FuzzParseNIP(f *testing.F) {
	for _, s := range []string{
		"19860926 201505 1 001", "19900101 202221 2 003", "19870229 201505 1 001",
		"1986O926", "", "000000000000000000", "999999999999999999", "19860926 202220 1 001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, prob := ParseNIP(s, testNow)
		if prob != nil {
			if !knownKeys[prob.Key] {
				t.Fatalf("unknown key %q", prob.Key)
			}
			return
		}
		if len(n.Digits) != 18 || MaskNIP(n.Digits) == strings.Repeat("*", 18) {
			t.Fatalf("accepted %q as %+v", s, n)
		}
		if (n.Kind == PNS) != (n.AppointedMonth != 0) || (n.Kind == PPPK) != (n.Period != 0) {
			t.Fatalf("kind fields disagree: %+v", n)
		}
		if again, prob := ParseNIP(n.Formatted(), testNow); prob != nil || !cmp.Equal(again, n) {
			t.Fatalf("%q does not round-trip", n.Formatted())
		}
	})
}
