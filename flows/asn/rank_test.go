package asn

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func codes(rs []Rank) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func TestRanksOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind Kind
		want []string
	}{
		{PNS, []string{
			"I/a", "I/b", "I/c", "I/d", "II/a", "II/b", "II/c", "II/d",
			"III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
		}},
		{PPPK, []string{
			"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
			"X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			got := Ranks(tt.kind)
			if len(got) != 17 {
				t.Errorf("%d ranks, want 17", len(got))
			}
			if diff := cmp.Diff(tt.want, codes(got)); diff != "" {
				t.Errorf("order mismatch (-want +got):\n%s", diff)
			}
			for _, r := range got {
				if r.Kind != tt.kind {
					t.Errorf("%s has kind %q", r.Code, r.Kind)
				}
				if (r.Pangkat == "") != (tt.kind == PPPK) {
					t.Errorf("%s: pangkat %q for kind %s", r.Code, r.Pangkat, tt.kind)
				}
			}
		})
	}
	if got := Ranks("honorer"); got != nil {
		t.Errorf("unknown kind: %v, want nil", got)
	}
}

func TestRanksIsACopy(t *testing.T) {
	t.Parallel()
	rs := Ranks(PNS)
	rs[0].Code = "X/x"
	if Ranks(PNS)[0].Code != "I/a" {
		t.Error("changing the returned slice changed the table")
	}
}

func TestRankCodesRoundTrip(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, k := range []Kind{PNS, PPPK} {
		for _, r := range Ranks(k) {
			if seen[r.Code] {
				t.Errorf("code %q used twice", r.Code)
			}
			seen[r.Code] = true
			got, ok := RankByCode(r.Code)
			if !ok || got != r {
				t.Errorf("RankByCode(%q) = %+v, %v; want %+v", r.Code, got, ok, r)
			}
			// The code travels in callback data: short ASCII, within Telegram's 64 bytes.
			data := "rank:" + r.Code
			if len(data) > 64 {
				t.Errorf("callback data %q too long", data)
			}
			for i := 0; i < len(r.Code); i++ {
				if c := r.Code[i]; c < '!' || c > '~' {
					t.Errorf("code %q has a non-printable-ASCII byte %q", r.Code, c)
				}
			}
		}
	}
	for _, bad := range []string{"", "iii/a", "III/A", "III a", "IIIa", " III/a", "III/f", "V/a", "XVIII", "0", "ix"} {
		if r, ok := RankByCode(bad); ok {
			t.Errorf("RankByCode(%q) = %+v, want not found", bad, r)
		}
	}
}

func TestRankLabels(t *testing.T) {
	t.Parallel()
	tests := []struct{ code, want string }{
		{"I/a", "I/a – Juru Muda"},
		{"I/b", "I/b – Juru Muda Tingkat I"},
		{"II/d", "II/d – Pengatur Tingkat I"},
		{"III/a", "III/a – Penata Muda"},
		{"III/c", "III/c – Penata"},
		{"IV/c", "IV/c – Pembina Utama Muda"},
		{"IV/d", "IV/d – Pembina Utama Madya"},
		{"IV/e", "IV/e – Pembina Utama"},
		{"I", "Golongan I"},
		{"IX", "Golongan IX"},
		{"XVII", "Golongan XVII"},
	}
	for _, tt := range tests {
		r, ok := RankByCode(tt.code)
		if !ok {
			t.Errorf("no rank %q", tt.code)
			continue
		}
		if got := r.Label(); got != tt.want {
			t.Errorf("Label(%s) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestParseRank(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind Kind
		want string
		err  error
	}{
		{"III/b", PNS, "III/b", nil},
		{"iii/b", PNS, "III/b", nil},
		{"III b", PNS, "III/b", nil},
		{"III-B", PNS, "III/b", nil},
		{"3b", PNS, "III/b", nil},
		{"3/b", PNS, "III/b", nil},
		{" Gol. III/b ", PNS, "III/b", nil},
		{"golongan 4e", PNS, "IV/e", nil},
		{"I/a", PNS, "I/a", nil},
		{"IV/e", PNS, "IV/e", nil},
		{"IX", PPPK, "IX", nil},
		{"9", PPPK, "IX", nil},
		{"gol IX", PPPK, "IX", nil},
		{"Golongan 17", PPPK, "XVII", nil},
		{"V", PPPK, "V", nil},
		{"III", PPPK, "III", nil},
		{"III", PNS, "", ErrRankPNS},
		{"3", PNS, "", ErrRankPNS},
		{"IX", PNS, "", ErrRankUnknown},
		{"III/b", PPPK, "", ErrRankPPPK},
		{"IV/f", PNS, "", ErrRankUnknown},
		{"V/a", PNS, "", ErrRankUnknown},
		{"18", PPPK, "", ErrRankUnknown},
		{"penata", PNS, "", ErrRankUnknown},
		{"", PNS, "", ErrRankUnknown},
		{"b", PNS, "", ErrRankUnknown},
	} {
		r, err := ParseRank(c.in, c.kind)
		if r.Code != c.want || !errors.Is(err, c.err) {
			t.Errorf("ParseRank(%q, %v) = %q, %v; want %q, %v", c.in, c.kind, r.Code, err, c.want, c.err)
		}
	}
}

func TestShortLabelsFitOneRow(t *testing.T) {
	for _, g := range Groups {
		for _, r := range InGroup(g) {
			if n := len([]rune(r.ShortLabel())); n > 28 {
				t.Errorf("%q is %d characters", r.ShortLabel(), n)
			}
		}
	}
	if got := InGroup("III"); len(got) != 4 || got[1].ShortLabel() != "III/b · Penata Muda Tk. I" {
		t.Errorf("group III: %+v", got)
	}
}

// FuzzParseRank: whatever is typed, a rank read is of the kind asked for and reads back the
// same from its code.
func FuzzParseRank(f *testing.F) {
	for _, s := range []string{"III/b", "3b", "IX", "gol. iv-e", "", "/", "17", "VVV"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, pns bool) {
		k := PPPK
		if pns {
			k = PNS
		}
		r, err := ParseRank(s, k)
		if err != nil {
			return
		}
		if r.Kind != k {
			t.Fatalf("%q read as %+v for %v", s, r, k)
		}
		if back, err := ParseRank(r.Code, k); err != nil || back != r {
			t.Fatalf("%q → %q → %+v %v", s, r.Code, back, err)
		}
	})
}
