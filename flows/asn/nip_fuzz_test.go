package asn

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// nipFuzzZones are the locations "now" is taken in: Indonesia's three, UTC and the far ends
// of the offsets, so a change of calendar date between zones is exercised.
var nipFuzzZones = []*time.Location{
	wib, WIB, WITA, WIT, time.UTC, time.FixedZone("-12", -12*3600), time.FixedZone("+14", 14*3600),
}

// FuzzParseNIPFields checks every field of an accepted NIP against its digits and the rules
// of ParseNIP's doc comment (there is no second implementation to compare with, so each rule
// is checked on its own), that a refused NIP names the leftmost wrong group, and that only
// the calendar date of now matters. FuzzParseNIP (nip_test.go) checks the round trip of
// Formatted at a fixed now; this one also moves now by days across two centuries and zones.
func FuzzParseNIPFields(f *testing.F) {
	// Inputs of TestParseNIPValid and TestParseNIPProblems; day 0 is testNow.
	for _, s := range []string{
		"19860926 201505 1 001", "198609262015051001", "19860926.201505.1.001", "19860926-201505-1-001",
		"19860926–201505–1–001", "19860926\u00a0201505\u00a01\u00a0001", "  19860926  201505 1  001 \n",
		"1986 0926 2015 05 1 001", "19860926. 201505 - 1.001", "19900101 202221 2 003",
		"19900101 202329 1 999", "19880229 201001 2 015", "20000229 202403 2 001", "19751231 199912 1 002",
		"19900101 202606 1 001", "19900101 202621 1 001", "19400101 196001 1 001", "20090615 202606 2 001",
		"19900115 200701 1 001", "19860926 200321 1 001",
		"1986O926 201505 1 001", "l9860926 201505 1 001", "19860926/201505/1/001", "１9860926 201505 1 001",
		"19860926 2015", "3374012609860001", " - . ", "", "19861332 201505 1 001", "19870229 201505 1 001",
		"19000229 201505 1 001", "20260616 201505 1 001", "19391231 196001 1 001", "00000101 196001 1 001",
		"20090616 202606 1 001", "19860926 201513 1 001", "19860926 202220 1 001", "19860926 202607 1 001",
		"19860926 202721 1 001", "19860926 198609 1 001", "19860926 198521 1 001", "19900115 200612 1 001",
		"19860926 198621 1 001", "19860926 201505 3 001", "19860926 201505 1 000", "19861332 201505 3 000",
		"000000000000000000", "999999999999999999",
	} {
		f.Add(s, int32(0), uint8(0))
	}
	// The same NIP on the day before someone turns 17, on the day, and in another zone.
	f.Add("20090616 202606 1 001", int32(0), uint8(4))
	f.Add("20090616 202606 1 001", int32(1), uint8(0))
	f.Add("19860926 202607 1 001", int32(16), uint8(2))
	f.Add("19860926 200321 1 001", int32(-8400), uint8(1))

	f.Fuzz(func(t *testing.T, s string, days int32, zone uint8) {
		// Today moves by up to ±100 years around testNow, keeping its hour.
		days %= 36525
		loc := nipFuzzZones[int(zone)%len(nipFuzzZones)]
		now := testNow.AddDate(0, 0, int(days)).In(loc)

		n, prob := ParseNIP(s, now)

		// Only the calendar date of now counts: its midnight in UTC is the same day.
		ty, tm, td := now.Date()
		n2, prob2 := ParseNIP(s, time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC))
		if !cmp.Equal(n, n2) || !cmp.Equal(prob, prob2) {
			t.Fatalf("ParseNIP(%q) depends on more than the date of now %v: %+v %v vs %+v %v", s, now, n, prob, n2, prob2)
		}

		digits, stray := stripSeparators(s)
		if prob != nil {
			checkNIPProblem(t, s, digits, stray, prob, n, now)
			return
		}
		checkNIP(t, s, digits, n, now)
	})
}

// checkNIP checks an accepted NIP field by field.
func checkNIP(t *testing.T, s, digits string, n NIP, now time.Time) {
	t.Helper()
	if len(n.Digits) != nipLength || strings.Trim(n.Digits, "0123456789") != "" || n.Digits != digits {
		t.Fatalf("ParseNIP(%q).Digits = %q, want the 18 digits typed", s, n.Digits)
	}
	d := n.Digits
	num := func(i, j int) int { v, _ := strconv.Atoi(d[i:j]); return v }
	ty, tm, td := now.Date()
	today := ymd(ty, int(tm), td)

	// Digits 1-8: a calendar date, at midnight UTC, from 1940 to 17 years ago.
	by, bm, bd := num(0, 4), num(4, 6), num(6, 8)
	if n.BirthDate.Location() != time.UTC || n.BirthDate.Format("20060102") != d[:8] ||
		n.BirthDate.Hour()+n.BirthDate.Minute()+n.BirthDate.Second()+n.BirthDate.Nanosecond() != 0 {
		t.Fatalf("ParseNIP(%q).BirthDate = %v, want %s at midnight UTC", s, n.BirthDate, d[:8])
	}
	if by < minBirthYear || ymd(by+minAge, bm, bd) > today {
		t.Fatalf("ParseNIP(%q) accepted a birth date %s outside %d..17 years before %s", s, d[:8], minBirthYear, now.Format(time.DateOnly))
	}

	// Digits 9-14: YYYYMM for PNS, YYYY2p for PPPK, never in the future nor before 17.
	ay, mm := num(8, 12), num(12, 14)
	if n.AppointedYear != ay {
		t.Fatalf("ParseNIP(%q).AppointedYear = %d, want %d", s, n.AppointedYear, ay)
	}
	switch n.Kind {
	case PNS:
		if mm < 1 || mm > 12 || n.AppointedMonth != mm || n.Period != 0 {
			t.Fatalf("ParseNIP(%q) PNS with digits 13-14 %02d: %+v", s, mm, n)
		}
		if ay*12+mm > ty*12+int(tm) || ay*12+mm-(by*12+bm) < minAge*12 {
			t.Fatalf("ParseNIP(%q) accepted TMT %s: after %s or before 17", s, d[8:14], now.Format(time.DateOnly))
		}
	case PPPK:
		if d[12] != '2' || mm < 21 || n.Period != mm-20 || n.Period < 1 || n.Period > 9 || n.AppointedMonth != 0 {
			t.Fatalf("ParseNIP(%q) PPPK with digits 13-14 %02d: %+v", s, mm, n)
		}
		if ay > ty || ay-by < minAge {
			t.Fatalf("ParseNIP(%q) accepted PPPK year %d: after %d or before 17", s, ay, ty)
		}
	default:
		t.Fatalf("ParseNIP(%q).Kind = %q", s, n.Kind)
	}

	// Digit 15 and digits 16-18.
	if n.Gender != int(d[14]-'0') || (n.Gender != 1 && n.Gender != 2) {
		t.Fatalf("ParseNIP(%q).Gender = %d, digit 15 is %c", s, n.Gender, d[14])
	}
	if n.Sequence != num(15, 18) || n.Sequence < 1 || n.Sequence > 999 {
		t.Fatalf("ParseNIP(%q).Sequence = %d, digits 16-18 are %s", s, n.Sequence, d[15:])
	}

	// The printed and the masked forms.
	f := n.Formatted()
	if f != d[0:8]+" "+d[8:14]+" "+d[14:15]+" "+d[15:18] {
		t.Fatalf("Formatted() = %q", f)
	}
	if again, prob := ParseNIP(f, now); prob != nil || !cmp.Equal(again, n) {
		t.Fatalf("Formatted %q does not parse back: %+v %v", f, again, prob)
	}
	if m := MaskNIP(s); m != d[:8]+"********"+d[16:] {
		t.Fatalf("MaskNIP(%q) = %q", s, m)
	}
}

// checkNIPProblem checks a refused NIP: no half-filled NIP, a known key, the Part quoted from
// the right group, and nothing to the left of it wrong.
func checkNIPProblem(t *testing.T, s, digits, stray string, prob *Problem, n NIP, now time.Time) {
	t.Helper()
	if !cmp.Equal(n, NIP{}) {
		t.Fatalf("ParseNIP(%q) returned %+v with its problem %s", s, n, prob.Key)
	}
	if !knownKeys[prob.Key] || prob.Error() != prob.Key {
		t.Fatalf("ParseNIP(%q): key %q unknown or Error() %q is not the key", s, prob.Key, prob.Error())
	}
	switch prob.Key {
	case "nip.invalid_chars":
		if stray == "" || prob.Args["Char"] != stray {
			t.Fatalf("ParseNIP(%q): invalid_chars %v, first stray character %q", s, prob.Args, stray)
		}
		return
	case "nip.length":
		if stray != "" || len(digits) == nipLength || prob.Args["Count"] != len(digits) {
			t.Fatalf("ParseNIP(%q): length %v with %d digits, stray %q", s, prob.Args, len(digits), stray)
		}
		return
	}
	if stray != "" || len(digits) != nipLength {
		t.Fatalf("ParseNIP(%q): %s although the characters or the length are wrong", s, prob.Key)
	}
	// The group each key blames, as Formatted prints it.
	part := map[string]string{
		"nip.birth_date": digits[0:8], "nip.birth_future": digits[0:8], "nip.too_old": digits[0:8],
		"nip.too_young": digits[0:8], "nip.appointment": digits[8:14], "nip.appointment_future": digits[8:14],
		"nip.appointment_before_birth": digits[8:14], "nip.appointment_too_early": digits[8:14],
		"nip.sequence": digits[15:18],
	}
	if want, ok := part[prob.Key]; ok && prob.Args["Part"] != want {
		t.Fatalf("ParseNIP(%q): %s quotes %v, want Part %q", s, prob.Key, prob.Args, want)
	}
	if prob.Key == "nip.appointment_before_birth" && prob.Args["BirthPart"] != digits[0:8] {
		t.Fatalf("ParseNIP(%q): %v, want BirthPart %q", s, prob.Args, digits[0:8])
	}
	// Leftmost first: a wrong gender or sequence means everything before it was right, so
	// repairing it gives an NIP; and a wrong sequence means the gender was right.
	switch prob.Key {
	case "nip.gender":
		if prob.Args["Digit"] != digits[14:15] {
			t.Fatalf("ParseNIP(%q): gender %v, digit 15 is %q", s, prob.Args, digits[14:15])
		}
		if _, p := ParseNIP(digits[:14]+"1001", now); p != nil {
			t.Fatalf("ParseNIP(%q) blames the gender, but with it fixed: %s", s, p.Key)
		}
	case "nip.sequence":
		if _, p := ParseNIP(digits[:15]+"001", now); p != nil {
			t.Fatalf("ParseNIP(%q) blames the sequence, but with it fixed: %s", s, p.Key)
		}
	}
}
