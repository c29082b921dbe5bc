package asn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizePhoneValid(t *testing.T) {
	t.Parallel()
	const want = "+6281234567890"
	tests := []struct{ input, want string }{
		{"0812-3456-7890", want},
		{"081234567890", want},
		{"0812 3456 7890", want},
		{"0812.3456.7890", want},
		{"(0812) 3456 7890", want},
		{"(0812)-3456-7890", want},
		{"62812 3456 7890", want},
		{"6281234567890", want},  // a Telegram shared contact
		{"+6281234567890", want}, // a Telegram shared contact
		{"+62 812 3456 7890", want},
		{"+62 812-3456-7890", want},
		{"+62-812-3456-7890", want},
		{"+62 (0) 812 3456 7890", want}, // the trunk 0 kept by habit
		{"+620812 3456 7890", want},
		{"0062 812 3456 7890", want},
		{"+0812 3456 7890", want},
		{"81234567890", want}, // no prefix at all
		{"  0812 3456 7890\n", want},
		{"0812\u00a03456\u00a07890", want},
		{"0812–3456–7890", want},
		{"0812345678", "+62812345678"},          // shortest mobile
		{"0812 3456 7890 1", "+62812345678901"}, // longest mobile
		{"0857 1234 5678", "+6285712345678"},
		{"0896-1234-5678", "+6289612345678"},
		{"(021) 1234 5678", "+622112345678"}, // Jakarta landline
		{"0274 123456", "+62274123456"},      // Yogyakarta landline
		{"+62 361 12345", "+6236112345"},     // shortest landline
		{"0911 1234 5678", "+6291112345678"}, // longest landline
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			t.Parallel()
			got, prob := NormalizePhone(tt.input)
			if prob != nil {
				t.Fatalf("NormalizePhone(%q) = problem %s %v", tt.input, prob.Key, prob.Args)
			}
			if got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, want %q", tt.input, got, tt.want)
			}
			// A stored number normalises to itself.
			if again, prob := NormalizePhone(got); prob != nil || again != got {
				t.Errorf("NormalizePhone(%q) = %q, %v; not idempotent", got, again, prob)
			}
		})
	}
}

func TestNormalizePhoneProblems(t *testing.T) {
	t.Parallel()
	type args = map[string]any
	tests := []struct {
		name     string
		input    string
		wantKey  string
		wantArgs args
	}{
		{"empty", "", "phone.empty", nil},
		{"only separators", " ( ) - . ", "phone.empty", nil},
		{"letters", "0812 3456 78ab", "phone.invalid_chars", args{"Char": "a"}},
		{"a sentence", "nomor saya 0812", "phone.invalid_chars", args{"Char": "n"}},
		{"two numbers", "0812 3456 7890 / 0813 1111 2222", "phone.invalid_chars", args{"Char": "/"}},
		{"plus in the middle", "0812+34567890", "phone.invalid_chars", args{"Char": "+"}},
		{"two pluses", "++6281234567890", "phone.invalid_chars", args{"Char": "+"}},
		{"an html bracket", "<0812>", "phone.invalid_chars", args{"Char": "<"}},
		{"usa", "+1 415 555 2671", "phone.foreign", args{"Number": "+14155552671"}},
		{"uk", "+44 7911 123456", "phone.foreign", args{"Number": "+447911123456"}},
		{"malaysia, shared contact", "60123456789", "phone.foreign", args{"Number": "+60123456789"}},
		{"uk via 00", "0044 7911 123456", "phone.foreign", args{"Number": "+447911123456"}},
		{"plus 8 is not Indonesia", "+81 90 1234 5678", "phone.foreign", args{"Number": "+819012345678"}},
		{"foreign, long", "+1234567890123456789", "phone.foreign", args{"Number": "+123456789012345…"}},
		{"62 then 1", "+62 123 4567 890", "phone.prefix", args{"Number": "01234567890"}},
		{"toll-free", "0800 1 234567", "phone.prefix", args{"Number": "08001234567"}},
		{"62 then 00", "+62 00812 3456", "phone.prefix", args{"Number": "008123456"}},
		{"mobile too short", "0812 345", "phone.length", args{"Number": "0812345", "Count": 7, "Min": 10, "Max": 13}},
		{"mobile one short", "0812 3456 7", "phone.length", args{"Number": "081234567", "Count": 9, "Min": 10, "Max": 13}},
		{"mobile one long", "0812 3456 7890 12", "phone.length", args{"Number": "08123456789012", "Count": 14, "Min": 10, "Max": 13}},
		{"mobile +62 too short", "+62 812 34", "phone.length", args{"Number": "081234", "Count": 6, "Min": 10, "Max": 13}},
		{"landline too short", "021 123", "phone.length", args{"Number": "021123", "Count": 6, "Min": 9, "Max": 12}},
		{"landline too long", "021 1234 5678 90", "phone.length", args{"Number": "0211234567890", "Count": 13, "Min": 9, "Max": 12}},
		{"only 0", "0", "phone.length", args{"Number": "0", "Count": 1, "Min": 10, "Max": 13}},
		{"only 62", "+62", "phone.length", args{"Number": "0", "Count": 1, "Min": 10, "Max": 13}},
		{"a wall of digits", "08" + strings.Repeat("1", 40), "phone.length", args{
			"Number": "08" + strings.Repeat("1", 14) + "…", "Count": 42, "Min": 10, "Max": 13,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, prob := NormalizePhone(tt.input)
			if prob == nil {
				t.Fatalf("NormalizePhone(%q) = %q, want problem %s", tt.input, got, tt.wantKey)
			}
			if got != "" {
				t.Errorf("NormalizePhone(%q) returned %q with its problem", tt.input, got)
			}
			if prob.Key != tt.wantKey {
				t.Errorf("NormalizePhone(%q) key = %q, want %q", tt.input, prob.Key, tt.wantKey)
			}
			if diff := cmp.Diff(tt.wantArgs, prob.Args); diff != "" {
				t.Errorf("NormalizePhone(%q) args mismatch (-want +got):\n%s", tt.input, diff)
			}
			if !knownKeys[prob.Key] {
				t.Errorf("key %q is not in knownKeys", prob.Key)
			}
			if strings.Contains(prob.Error(), "0812") {
				t.Errorf("Error() leaks the number: %q", prob.Error())
			}
		})
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"+6281234567890", "+62812****7890"},
		{"0812-3456-7890", "+62812****7890"},
		{"+62812345678901", "+62812*****8901"},
		{"+62812345678", "+628****5678"},
		{"+622112345678", "+6221****5678"},
		{"+6236112345", "+62****2345"},
		{"", "****"},
		{"bukan nomor", "****"},
		{"+447911123456", "****"},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzNormalizePhone checks that no input panics, every problem has a known key, and an
// accepted number is in the stored form and normalises to itself.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0812-3456-7890", "+62 (0) 812", "+1 415", "0", "+", "62", "8", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, prob := NormalizePhone(s)
		if prob != nil {
			if !knownKeys[prob.Key] {
				t.Fatalf("unknown key %q", prob.Key)
			}
			return
		}
		if !strings.HasPrefix(p, "+62") || len(p) < 3+8 || len(p) > 3+12 || strings.Trim(p[1:], "0123456789") != "" {
			t.Fatalf("accepted %q as %q", s, p)
		}
		if again, prob := NormalizePhone(p); prob != nil || again != p {
			t.Fatalf("%q is not idempotent", p)
		}
		if m := MaskPhone(p); strings.Count(m, "*") < 4 || len(m) != len(p) {
			t.Fatalf("MaskPhone(%q) = %q", p, m)
		}
	})
}

func TestFormatPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+6281234567891":  "0812-3456-7891",
		"+628123456789":   "0812-3456-789",
		"+62812345678":    "0812-345-678",
		"+62812345678901": "0812-3456-78901",
		"+62247654321":    "0247654321",
		"+447911123456":   "+447911123456",
		"":                "",
		"+62":             "+62",
	} {
		if got := FormatPhone(in); got != want {
			t.Errorf("FormatPhone(%q) = %q, want %q", in, got, want)
		}
	}
	// What it writes reads back as the same number.
	for _, s := range []string{"+6281234567891", "+628123456789", "+62812345678", "+62812345678901"} {
		if back, p := NormalizePhone(FormatPhone(s)); p != nil || back != s {
			t.Errorf("%q → %q → %q %v", s, FormatPhone(s), back, p)
		}
	}
}
