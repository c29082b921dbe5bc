package asn

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Rank is a golongan: for a PNS with its pangkat name, for a PPPK a roman numeral only.
type Rank struct {
	// Code is the golongan as written on official documents, "III/a" or "IX". It is short
	// ASCII (at most 5 bytes) and unique across both kinds, so it is used as it is in Telegram
	// callback data (64 bytes at most) and in storage; no separate id is needed.
	Code string
	// Kind is the kind of employee the rank belongs to.
	Kind Kind
	// Pangkat is the rank name of a PNS golongan, "Penata Muda"; empty for PPPK.
	Pangkat string
}

// Label is how a rank is shown on a button and in a profile: "III/a – Penata Muda" for a PNS,
// "Golongan IX" for a PPPK. It is built from data (the regulation's own names), not prose, so
// it lives here rather than in a locale file.
func (r Rank) Label() string {
	if r.Kind == PPPK {
		return "Golongan " + r.Code
	}
	return r.Code + " – " + r.Pangkat
}

// pnsRanks is the PNS golongan/pangkat table (PP 99/2000), lowest first. It is kept as data
// so that a change in the regulation is a change of one line.
var pnsRanks = []Rank{
	{"I/a", PNS, "Juru Muda"},
	{"I/b", PNS, "Juru Muda Tingkat I"},
	{"I/c", PNS, "Juru"},
	{"I/d", PNS, "Juru Tingkat I"},
	{"II/a", PNS, "Pengatur Muda"},
	{"II/b", PNS, "Pengatur Muda Tingkat I"},
	{"II/c", PNS, "Pengatur"},
	{"II/d", PNS, "Pengatur Tingkat I"},
	{"III/a", PNS, "Penata Muda"},
	{"III/b", PNS, "Penata Muda Tingkat I"},
	{"III/c", PNS, "Penata"},
	{"III/d", PNS, "Penata Tingkat I"},
	{"IV/a", PNS, "Pembina"},
	{"IV/b", PNS, "Pembina Tingkat I"},
	{"IV/c", PNS, "Pembina Utama Muda"},
	{"IV/d", PNS, "Pembina Utama Madya"},
	{"IV/e", PNS, "Pembina Utama"},
}

// pppkRanks is the PPPK golongan table (Perpres 98/2020), lowest first; PPPK have no pangkat.
var pppkRanks = []Rank{
	{"I", PPPK, ""}, {"II", PPPK, ""}, {"III", PPPK, ""}, {"IV", PPPK, ""}, {"V", PPPK, ""},
	{"VI", PPPK, ""}, {"VII", PPPK, ""}, {"VIII", PPPK, ""}, {"IX", PPPK, ""}, {"X", PPPK, ""},
	{"XI", PPPK, ""}, {"XII", PPPK, ""}, {"XIII", PPPK, ""}, {"XIV", PPPK, ""}, {"XV", PPPK, ""},
	{"XVI", PPPK, ""}, {"XVII", PPPK, ""},
}

// Ranks lists the ranks of kind k, lowest first, the order people expect to pick from.
// It returns a copy, so a caller cannot change the table; nil for an unknown kind.
func Ranks(k Kind) []Rank {
	switch k {
	case PNS:
		return slices.Clone(pnsRanks)
	case PPPK:
		return slices.Clone(pppkRanks)
	}
	return nil
}

// RankByCode finds a rank by its exact Code, as it comes back from callback data or storage.
// Matching is exact on purpose: a code is machine data, and a near miss means stale or forged
// data, which the caller should refuse rather than guess at.
func RankByCode(code string) (Rank, bool) {
	for _, table := range [][]Rank{pnsRanks, pppkRanks} {
		for _, r := range table {
			if r.Code == code {
				return r, true
			}
		}
	}
	return Rank{}, false
}

// Groups are the PNS golongan groups, I to IV: the first step of picking a rank on a phone,
// where seventeen "III/b – Penata Muda Tingkat I" buttons would not fit.
var Groups = []string{"I", "II", "III", "IV"}

// InGroup lists the PNS ranks of a group ("III": III/a to III/d), lowest first.
func InGroup(group string) []Rank {
	var out []Rank
	for _, r := range pnsRanks {
		if g, _, _ := strings.Cut(r.Code, "/"); g == group {
			out = append(out, r)
		}
	}
	return out
}

// ShortLabel is a PNS rank on a button of its own row: "III/b · Penata Muda Tk. I", with
// "Tingkat" written as on official letters ("Tk."), so the longest fits a small phone.
func (r Rank) ShortLabel() string {
	if r.Kind == PPPK {
		return r.Code
	}
	return r.Code + " · " + strings.Replace(r.Pangkat, "Tingkat", "Tk.", 1)
}

// Problems of a typed rank.
var (
	ErrRankUnknown = errors.New("not a rank")
	ErrRankPNS     = errors.New("a PNS rank needs its letter (III/b)")
	ErrRankPPPK    = errors.New("a PPPK rank has no letter (IX)")
)

// romans are the numerals of the golongan, I to XVII, by value.
var romans = []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
	"XV", "XVI", "XVII"}

// ParseRank reads a rank as people type it, for an employee of kind k: "III/b", "III b",
// "3b", "3/B", "iii-b", "Gol. III/b", "golongan 3b" for a PNS; "IX", "9", "gol IX" for a
// PPPK. The group may be a roman or an arabic numeral; spaces, dots, dashes and a "golongan"
// or "gol" in front do not matter. A rank of the other kind is ErrRankPNS (a PNS typed no
// letter) or ErrRankPPPK (a PPPK typed one); anything else is ErrRankUnknown.
func ParseRank(input string, k Kind) (Rank, error) {
	s := strings.ToUpper(input)
	for _, cut := range []string{" ", ".", "-", "_", ",", ":", "\t"} {
		s = strings.ReplaceAll(s, cut, "")
	}
	s = strings.TrimPrefix(s, "GOLONGAN")
	s = strings.TrimPrefix(s, "GOL")
	s = strings.ReplaceAll(s, "/", "")
	if s == "" {
		return Rank{}, ErrRankUnknown
	}
	letter := ""
	if last := s[len(s)-1]; last >= 'A' && last <= 'E' && len(s) > 1 {
		// "V" is a numeral, not a letter, and no group ends in A–E, so a trailing A–E is the
		// grade's letter ("IIIB", "3B").
		letter, s = strings.ToLower(s[len(s)-1:]), s[:len(s)-1]
	}
	n := numeral(s)
	switch {
	case n == 0:
		return Rank{}, ErrRankUnknown
	case letter != "":
		r, ok := RankByCode(romans[n] + "/" + letter)
		switch {
		case !ok:
			return Rank{}, ErrRankUnknown
		case k == PPPK:
			return Rank{}, ErrRankPPPK
		}
		return r, nil
	}
	r, ok := RankByCode(romans[n])
	switch {
	case k == PNS && n <= 4:
		return Rank{}, ErrRankPNS // "III" alone: the group without its letter
	case !ok || k != PPPK:
		return Rank{}, ErrRankUnknown
	}
	return r, nil
}

// numeral is the value of a roman (I–XVII) or arabic (1–17) numeral; 0 for anything else.
func numeral(s string) int {
	for v := 1; v < len(romans); v++ {
		if s == romans[v] || s == strconv.Itoa(v) {
			return v
		}
	}
	return 0
}
