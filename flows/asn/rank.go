package asn

import "slices"

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
