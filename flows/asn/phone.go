package asn

import "strings"

// Lengths of the national significant number (the digits after +62, without the trunk 0).
// Mobile numbers are 8xx plus 6-9 digits; a landline is a 1-3 digit area code starting with
// 2-9 (never 8, which is mobile) plus a 5-8 digit subscriber number.
const (
	mobileMin, mobileMax     = 9, 12
	landlineMin, landlineMax = 8, 11
	// shownMax caps how much of a wrong number is quoted back, so a pasted wall of digits
	// does not fill the phone screen.
	shownMax = 16
)

// NormalizePhone turns what an Indonesian types, or what Telegram gives for a shared contact,
// into the stored +62 form: "0812-3456-7890", "62812...", "+62 812 3456 7890",
// "(0812) 3456 7890" and "812..." all become "+6281234567890".
//
// Spaces, dots, dashes and parentheses are dropped. A leading 0 is the trunk prefix, a leading
// 8 a mobile number typed without it; 00 and + are the international prefixes, and digits
// starting with anything else are read as international without the + (the way Telegram
// shares contacts), so "447911123456" is a foreign number, not a mistyped local one. A 0
// right after 62 ("+62 (0)812...") is a common habit and is dropped. Mobile numbers (8, 9-12
// digits after 62) and landlines (2-9, 8-11 digits) are accepted: an office number still
// lets the organiser reach a participant. Problems:
//
//	phone.empty                               nothing but separators
//	phone.invalid_chars {Char}                a letter or symbol, quoted
//	phone.foreign {Number}                    a country code other than 62
//	phone.prefix {Number}                     after 62, a number starting 0, 1 or 80
//	phone.length {Number, Count, Min, Max}    too short or too long
//
// Number is quoted in the form the user most likely knows: 0812... for an Indonesian number,
// +44... for a foreign one. Count, Min and Max count digits in that 0812... form.
func NormalizePhone(input string) (string, *Problem) {
	var b strings.Builder
	plus := false
	for _, r := range input {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case isSeparator(r) || r == '(' || r == ')':
		case r == '+' && b.Len() == 0 && !plus:
			plus = true
		default:
			return "", problem("phone.invalid_chars", "Char", string(r))
		}
	}
	d := b.String()
	if d == "" {
		return "", problem("phone.empty")
	}

	var nsn, intl string
	international := false
	switch {
	case plus && strings.HasPrefix(d, "0") && !strings.HasPrefix(d, "00"):
		// "+0812...": a plus typed by habit before a local number; no country code starts
		// with 0, so there is nothing else it can mean.
		nsn = d[1:]
	case plus:
		intl, international = d, true
	case strings.HasPrefix(d, "00"):
		intl, international = d[2:], true
	case strings.HasPrefix(d, "0"):
		nsn = d[1:]
	case strings.HasPrefix(d, "8"):
		nsn = d
	default:
		intl, international = d, true
	}
	if international {
		rest, ok := strings.CutPrefix(intl, "62")
		if !ok {
			return "", problem("phone.foreign", "Number", shown("+"+intl))
		}
		nsn = strings.TrimPrefix(rest, "0")
	}

	lo, hi := mobileMin, mobileMax
	switch {
	case nsn == "" || nsn[0] == '8' && !strings.HasPrefix(nsn, "80"):
		// A mobile number: the default bounds.
	case nsn[0] >= '2' && nsn[0] <= '9' && nsn[0] != '8':
		lo, hi = landlineMin, landlineMax
	default:
		// No subscriber number starts with 0 or 1, and 080x are toll-free and premium
		// services, not phones a person answers.
		return "", problem("phone.prefix", "Number", shown("0"+nsn))
	}
	if len(nsn) < lo || len(nsn) > hi {
		return "", problem("phone.length", "Number", shown("0"+nsn), "Count", len(nsn)+1, "Min", lo+1, "Max", hi+1)
	}
	return "+62" + nsn, nil
}

// MaskPhone shows a phone number partially, "+62812****7890", for lists where a number must
// be recognisable but not usable. It keeps the last four digits and up to three after +62,
// always hiding at least four; anything that does not normalise is hidden entirely, so a
// malformed value cannot leak.
func MaskPhone(p string) string {
	n, prob := NormalizePhone(p)
	if prob != nil {
		return "****"
	}
	nsn := n[3:]
	head := min(3, max(0, len(nsn)-8))
	return "+62" + nsn[:head] + strings.Repeat("*", len(nsn)-head-4) + nsn[len(nsn)-4:]
}

// shown shortens a number quoted back to the user.
func shown(s string) string {
	if len(s) > shownMax {
		return s[:shownMax] + "…"
	}
	return s
}

// FormatPhone writes a stored number the way Indonesians write it: "+6281234567891" as
// "0812-3456-7891" (the trunk 0, then groups of four, none shorter than three). A landline's
// area code is one to three digits, which no pattern can tell, so it gets the trunk 0 only
// ("0247654321"). A foreign number, or anything NormalizePhone did not store, is returned as
// it is.
func FormatPhone(stored string) string {
	rest, ok := strings.CutPrefix(stored, "+62")
	if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" {
		return stored
	}
	local := "0" + rest
	if rest[0] != '8' || len(local) < 10 {
		return local
	}
	groups := []string{local[:4]}
	for r := local[4:]; r != ""; {
		n := 4 // no group shorter than three: 0812-345-678, 0812-3456-78901
		switch {
		case len(r) <= 5:
			n = len(r)
		case len(r) == 6:
			n = 3
		}
		groups = append(groups, r[:n])
		r = r[n:]
	}
	return strings.Join(groups, "-")
}
