package flows

import (
	"strings"
	"unicode/utf8"
)

// Helpers for the texts the conversations show.

// publicPlace is where a batch happens as anyone may read it: the online link is for its
// registered participants only (a Zoom link in the public catalogue fills a meeting with
// strangers), so here it is only said that there is one.
func publicPlace(b Batch) Text {
	if b.OnlineURL != "" {
		return T("katalog.tempat_publik", "Location", b.Location)
	}
	return placeText(b)
}

// placeText is where a batch happens, for its registered participants: an address, the
// online link, or both.
func placeText(b Batch) Text {
	switch {
	case b.Location != "" && b.OnlineURL != "":
		return T("katalog.tempat_keduanya", "Location", b.Location, "URL", b.OnlineURL)
	case b.OnlineURL != "":
		return T("katalog.tempat_daring", "URL", b.OnlineURL)
	}
	return T("katalog.tempat_lokasi", "Location", b.Location)
}

// joinLines joins texts as separate lines of one paragraph.
func joinLines(lines []Text) Text { return T("umum.baris", "Lines", lines) }

// cutRunes shortens s to n characters, the last one an ellipsis when it was cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// cutBytes shortens s to at most n bytes without splitting a character.
func cutBytes(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// collapseSpaces trims and folds runs of white space (including new lines) into one space.
func collapseSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// ptr is a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }
