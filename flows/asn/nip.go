package asn

import (
	"strconv"
	"strings"
	"time"
)

// The bounds of a plausible NIP. There is no check digit, so structure and plausibility are
// all that can be checked here; whether the NIP exists is known only to BKN.
const (
	nipLength = 18
	// minBirthYear rules out dates that are calendar-valid but belong to nobody still working.
	minBirthYear = 1940
	// minAge is the youngest working age we accept, both today and at appointment. The legal
	// minimum for a CPNS is 18; one year of slack keeps a typo in the birth date from locking
	// a real employee out.
	minAge = 17
)

// NIP is a parsed employee number (Nomor Induk Pegawai).
type NIP struct {
	// Digits are the 18 digits with no separators: the form to store and compare.
	Digits string
	// BirthDate is digits 1-8, at midnight UTC: it is a calendar date, not an instant.
	BirthDate time.Time
	// Kind is told apart by digits 13-14: a month 01-12 for PNS, 21-29 for PPPK.
	Kind Kind
	// AppointedYear is the year of TMT CPNS (PNS) or of appointment (PPPK), digits 9-12.
	AppointedYear int
	// AppointedMonth is the month of TMT CPNS, 1-12; 0 for PPPK, whose NIP has no month.
	AppointedMonth int
	// Gender is 1 (male) or 2 (female), digit 15.
	Gender int
	// Sequence is 1-999, digits 16-18.
	Sequence int
	// Period is the PPPK recruitment period, 1-9, digit 14; 0 for PNS.
	Period int
}

// Formatted returns the NIP grouped as it is printed on official documents,
// "19860926 201505 1 001", which is also how people read it back to check it.
func (n NIP) Formatted() string {
	d := n.Digits
	if len(d) != nipLength {
		return d
	}
	return d[0:8] + " " + d[8:14] + " " + d[14:15] + " " + d[15:18]
}

// ParseNIP checks input as an NIP typed or pasted by its owner and parses it. now is the
// current time; its calendar date (in its own location) decides what is "in the future".
//
// Spaces, dots and dashes between digits are accepted in any grouping, because people copy
// the NIP from documents that group it differently. The checks run in the order of the digits,
// so the first Problem names the leftmost wrong part, with that part in its arguments:
//
//	nip.invalid_chars {Char}                         a character other than a digit or separator
//	nip.length {Count}                               not 18 digits; Count is how many were typed
//	nip.birth_date {Part}                            digits 1-8 are not a calendar date
//	nip.birth_future {Part}                          the birth date is after today
//	nip.too_old {Part, MinYear}                      born before 1940
//	nip.too_young {Part, MinAge}                     younger than 17 today
//	nip.appointment {Part}                           digits 9-14 are neither YYYYMM nor YYYY2p
//	nip.appointment_future {Part}                    appointed after today
//	nip.appointment_before_birth {Part, BirthPart}   appointed before being born
//	nip.appointment_too_early {Part, MinAge}         appointed before the age of 17
//	nip.gender {Digit}                               digit 15 is not 1 or 2
//	nip.sequence {Part}                              digits 16-18 are 000
//
// Part is always the digits of the group at fault as printed by Formatted (digits 1-8, 9-14
// or 16-18), so the text can quote it back.
func ParseNIP(input string, now time.Time) (NIP, *Problem) {
	digits, prob := nipDigits(input)
	if prob != nil {
		return NIP{}, prob
	}
	n := NIP{Digits: digits}
	ty, tm, td := now.Date()
	today := ymd(ty, int(tm), td)

	birthPart := digits[0:8]
	by, bm, bd := atoi(digits[0:4]), atoi(digits[4:6]), atoi(digits[6:8])
	birth := time.Date(by, time.Month(bm), bd, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 29 February 1987 to 1 March; a date that does not survive the round
	// trip is not on the calendar.
	if bm < 1 || bm > 12 || birth.Year() != by || int(birth.Month()) != bm || birth.Day() != bd {
		return NIP{}, problem("nip.birth_date", "Part", birthPart)
	}
	switch {
	case ymd(by, bm, bd) > today:
		return NIP{}, problem("nip.birth_future", "Part", birthPart)
	case by < minBirthYear:
		return NIP{}, problem("nip.too_old", "Part", birthPart, "MinYear", minBirthYear)
	case ymd(by+minAge, bm, bd) > today:
		// Comparing (year, month, day) tuples rather than adding years keeps someone born on
		// 29 February from turning 17 on 1 March.
		return NIP{}, problem("nip.too_young", "Part", birthPart, "MinAge", minAge)
	}
	n.BirthDate = birth

	apptPart := digits[8:14]
	ay := atoi(digits[8:12])
	switch mm := atoi(digits[12:14]); {
	case mm >= 1 && mm <= 12:
		n.Kind, n.AppointedYear, n.AppointedMonth = PNS, ay, mm
		switch months, birthMonths := ay*12+mm, by*12+bm; {
		case months > int(ty)*12+int(tm):
			return NIP{}, problem("nip.appointment_future", "Part", apptPart)
		case months <= birthMonths:
			// TMT CPNS is the first of its month, so even the birth month itself is too early.
			return NIP{}, problem("nip.appointment_before_birth", "Part", apptPart, "BirthPart", birthPart)
		case months-birthMonths < minAge*12:
			return NIP{}, problem("nip.appointment_too_early", "Part", apptPart, "MinAge", minAge)
		}
	case mm >= 21 && mm <= 29:
		// No month reads 21-29, so these can only be the PPPK marker 2 and a period 1-9.
		n.Kind, n.AppointedYear, n.Period = PPPK, ay, mm-20
		switch {
		case ay > ty:
			return NIP{}, problem("nip.appointment_future", "Part", apptPart)
		case ay < by:
			return NIP{}, problem("nip.appointment_before_birth", "Part", apptPart, "BirthPart", birthPart)
		case ay-by < minAge:
			// With a year only, this is lenient by up to a year, which is the safe side.
			return NIP{}, problem("nip.appointment_too_early", "Part", apptPart, "MinAge", minAge)
		}
	default:
		// 00, 13-20 and 30-99: not a month, and 20 is the PPPK marker with no period.
		return NIP{}, problem("nip.appointment", "Part", apptPart)
	}

	switch g := digits[14]; g {
	case '1', '2':
		n.Gender = int(g - '0')
	default:
		return NIP{}, problem("nip.gender", "Digit", string(g))
	}

	n.Sequence = atoi(digits[15:18])
	if n.Sequence == 0 {
		return NIP{}, problem("nip.sequence", "Part", digits[15:18])
	}
	return n, nil
}

// nipDigits strips the separators from input and checks that 18 digits remain.
func nipDigits(input string) (string, *Problem) {
	digits, stray := stripSeparators(input)
	if stray != "" {
		// Quoting the first stray character points at the typo, typically the letter O or
		// l typed for 0 or 1.
		return "", problem("nip.invalid_chars", "Char", stray)
	}
	if len(digits) != nipLength {
		return "", problem("nip.length", "Count", len(digits))
	}
	return digits, nil
}

// stripSeparators keeps the digits of s and drops the separators between them; stray is the
// first character that is neither ("" when there is none).
func stripSeparators(s string) (digits, stray string) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case isSeparator(r):
		default:
			return "", string(r)
		}
	}
	return b.String(), ""
}

// ymd packs a calendar date into one comparable int, so dates that time.Date would normalise
// (29 February in a common year) still compare as written.
func ymd(y, m, d int) int { return y*10000 + m*100 + d }

// atoi converts a run of ASCII digits already checked by nipDigits.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// MaskNIP shows an NIP partially, "19860926********01", for places such as an admin's list
// where a NIP must be recognisable but not copyable. The birth date and the last two digits
// stay; appointment, gender and most of the sequence are hidden. Anything that is not an NIP
// (after removing separators) is hidden entirely, in a fixed width, so a malformed value
// cannot leak through its length either.
func MaskNIP(digits string) string {
	d, stray := stripSeparators(digits)
	if stray != "" || len(d) != nipLength {
		return strings.Repeat("*", nipLength)
	}
	return d[:8] + strings.Repeat("*", 8) + d[16:]
}
