package asn

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalizePhoneForms checks NormalizePhone against its doc comment: an accepted number
// is +62 and a mobile (8, not 80, 9-12 digits) or a landline (2-9 but 8, 8-11 digits) national
// number; it is the digits typed, less one of the documented prefixes; it normalises to
// itself (idempotence) and so does every other documented spelling of it; and a problem
// carries the arguments its key documents. FuzzNormalizePhone (phone_test.go) checks the
// shape loosely and idempotence; this one checks the rules.
func FuzzNormalizePhoneForms(f *testing.F) {
	// Inputs of TestNormalizePhoneValid, TestNormalizePhoneProblems and TestMaskPhone.
	for _, s := range []string{
		"0812-3456-7890", "081234567890", "0812 3456 7890", "0812.3456.7890", "(0812) 3456 7890",
		"(0812)-3456-7890", "62812 3456 7890", "6281234567890", "+6281234567890", "+62 812 3456 7890",
		"+62 812-3456-7890", "+62-812-3456-7890", "+62 (0) 812 3456 7890", "+620812 3456 7890",
		"0062 812 3456 7890", "+0812 3456 7890", "81234567890", "  0812 3456 7890\n",
		"0812\u00a03456\u00a07890", "0812–3456–7890", "0812345678", "0812 3456 7890 1", "0857 1234 5678",
		"0896-1234-5678", "(021) 1234 5678", "0274 123456", "+62 361 12345", "0911 1234 5678",
		"", " ( ) - . ", "0812 3456 78ab", "nomor saya 0812", "0812 3456 7890 / 0813 1111 2222",
		"0812+34567890", "++6281234567890", "<0812>", "+1 415 555 2671", "+44 7911 123456", "60123456789",
		"0044 7911 123456", "+81 90 1234 5678", "+1234567890123456789", "+62 123 4567 890", "0800 1 234567",
		"+62 00812 3456", "0812 345", "0812 3456 7", "0812 3456 7890 12", "+62 812 34", "021 123",
		"021 1234 5678 90", "0", "+62", "08" + strings.Repeat("1", 40), "+62812345678901", "+62812345678",
		"+622112345678", "+6236112345", "bukan nomor", "+447911123456",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, prob := NormalizePhone(s)
		typed := asciiDigits(s)
		if prob != nil {
			checkPhoneProblem(t, s, typed, p, prob)
			return
		}
		nsn, ok := strings.CutPrefix(p, "+62")
		if !ok || nsn == "" || asciiDigits(nsn) != nsn {
			t.Fatalf("NormalizePhone(%q) = %q, not +62 and digits", s, p)
		}
		switch {
		case nsn[0] == '8':
			if len(nsn) < mobileMin || len(nsn) > mobileMax || nsn[1] == '0' {
				t.Fatalf("NormalizePhone(%q) = %q: not a mobile number of %d-%d digits", s, p, mobileMin, mobileMax)
			}
		case nsn[0] >= '2' && nsn[0] <= '9':
			if len(nsn) < landlineMin || len(nsn) > landlineMax {
				t.Fatalf("NormalizePhone(%q) = %q: not a landline of %d-%d digits", s, p, landlineMin, landlineMax)
			}
		default:
			t.Fatalf("NormalizePhone(%q) = %q: no number starts with %c after 62", s, p, nsn[0])
		}
		// No digit is invented or reordered: what was typed is a documented prefix and the
		// national number. A "+" typed before 0 or 62 is among the forms.
		prefix, ok := strings.CutSuffix(typed, nsn)
		if !ok || !phonePrefixes[prefix] {
			t.Fatalf("NormalizePhone(%q) = %q: digits %q are not a known prefix and the number", s, p, typed)
		}
		// Every spelling of the number normalises to the same stored form.
		forms := []string{p, "0" + nsn, "62" + nsn, "+62 " + nsn, "0062 " + nsn, "+62 (0) " + nsn, "+0" + nsn,
			"(0" + nsn[:3] + ") " + nsn[3:], "0" + nsn[:3] + "-" + nsn[3:7] + "-" + nsn[7:]}
		if nsn[0] == '8' {
			forms = append(forms, nsn)
		}
		for _, form := range forms {
			if again, prob := NormalizePhone(form); prob != nil || again != p {
				t.Fatalf("NormalizePhone(%q) = %q but NormalizePhone(%q) = %q, %v", s, p, form, again, prob)
			}
		}
		m := MaskPhone(s)
		if m != MaskPhone(p) || len(m) != len(p) || strings.Count(m, "*") < 4 || !strings.HasPrefix(m, "+62") ||
			m[len(m)-4:] != p[len(p)-4:] {
			t.Fatalf("MaskPhone(%q) = %q for %q", s, m, p)
		}
	})
}

// phonePrefixes are the digits that may come before the national number: none, the trunk 0,
// the country code with or without the habitual 0, and 00 before it.
var phonePrefixes = map[string]bool{"": true, "0": true, "62": true, "620": true, "0062": true, "00620": true}

// asciiDigits keeps the ASCII digits of s.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// checkPhoneProblem checks a refused number: no number with it, a known key whose Error()
// leaks nothing, and the arguments its key documents.
func checkPhoneProblem(t *testing.T, s, typed, p string, prob *Problem) {
	t.Helper()
	if p != "" {
		t.Fatalf("NormalizePhone(%q) returned %q with its problem %s", s, p, prob.Key)
	}
	if !knownKeys[prob.Key] || prob.Error() != prob.Key {
		t.Fatalf("NormalizePhone(%q): key %q unknown or Error() %q is not the key", s, prob.Key, prob.Error())
	}
	if MaskPhone(s) != "****" {
		t.Fatalf("MaskPhone(%q) = %q for a refused number", s, MaskPhone(s))
	}
	// number is the Number argument without the "…" that shortens a long one.
	number := func() string {
		n, _ := prob.Args["Number"].(string)
		n, cut := strings.CutSuffix(n, "…")
		if len(n) > shownMax || (cut && len(n) != shownMax) {
			t.Fatalf("NormalizePhone(%q): Number %q is not shortened to %d", s, prob.Args["Number"], shownMax)
		}
		return n
	}
	switch prob.Key {
	case "phone.empty":
		if typed != "" {
			t.Fatalf("NormalizePhone(%q): empty, with digits %q", s, typed)
		}
	case "phone.invalid_chars":
		// A byte that is not UTF-8 is quoted as U+FFFD, the character it shows as.
		c, _ := prob.Args["Char"].(string)
		quoted := strings.Contains(s, c) || c == string(utf8.RuneError) && !utf8.ValidString(s)
		if utf8.RuneCountInString(c) != 1 || !quoted || (c >= "0" && c <= "9") {
			t.Fatalf("NormalizePhone(%q): invalid_chars %q", s, c)
		}
	case "phone.foreign":
		n := number()
		if !strings.HasPrefix(n, "+") || strings.HasPrefix(n, "+62") || !strings.Contains(typed, strings.TrimPrefix(n, "+")) {
			t.Fatalf("NormalizePhone(%q): foreign %q", s, n)
		}
	case "phone.prefix":
		n := number()
		if !strings.HasPrefix(n, "0") || len(n) < 2 || !(n[1] == '0' || n[1] == '1' || strings.HasPrefix(n, "080")) {
			t.Fatalf("NormalizePhone(%q): prefix %q", s, n)
		}
	case "phone.length":
		n := number()
		count, _ := prob.Args["Count"].(int)
		lo, _ := prob.Args["Min"].(int)
		hi, _ := prob.Args["Max"].(int)
		if !strings.HasPrefix(n, "0") || count >= lo && count <= hi ||
			!(lo == mobileMin+1 && hi == mobileMax+1 || lo == landlineMin+1 && hi == landlineMax+1) ||
			(len(n) <= shownMax-1 && len(n) != count) {
			t.Fatalf("NormalizePhone(%q): length %v", s, prob.Args)
		}
	}
}
