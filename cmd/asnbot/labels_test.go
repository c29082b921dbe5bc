package main

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/bpsdm/asnbot/bot/telegramtest"
)

// An inline button on a 360-px-wide phone shows about 40 characters across the row, shared
// evenly by the row's buttons; a longer label is cut with "…" in the middle of a word. One
// button alone gets a little less than the whole row (its padding), so 36.
func labelLimit(perRow int) int {
	if perRow <= 1 {
		return 36
	}
	return 40 / perRow
}

// labelWidth is how many characters' room a label takes: an emoji takes about two, a
// variation selector or joiner none.
func labelWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r == 0x200D || (r >= 0xFE00 && r <= 0xFE0F) || r == 0x20E3 || unicode.Is(unicode.Mn, r):
		case r >= 0x1F000 || (r >= 0x2300 && r <= 0x23FF) || (r >= 0x2600 && r <= 0x27BF) ||
			(r >= 0x2B00 && r <= 0x2BFF) || (r >= 0x25A0 && r <= 0x25FF):
			w += 2
		default:
			w++
		}
	}
	return w
}

// labelsFit is the harness's keyboard rule: every inline button label fits its row.
func labelsFit(rows [][]telegramtest.Button) error {
	var long []string
	for _, row := range rows {
		limit := labelLimit(len(row))
		for _, b := range row {
			if w := labelWidth(b.Text); w > limit {
				long = append(long, fmt.Sprintf("%q is %d wide, %d fit with %d in a row", b.Text, w, limit, len(row)))
			}
		}
	}
	if len(long) > 0 {
		return fmt.Errorf("cut on a 360-px phone: %s", strings.Join(long, "; "))
	}
	return nil
}

func TestLabelWidth(t *testing.T) {
	for _, c := range []struct {
		label string
		width int
	}{
		{"1", 1}, {"Berikutnya ▶️", 13}, {"✅ Setuju", 9}, {"🏠 Menu Utama", 13}, {"III/b · Penata Muda Tk. I", 25},
	} {
		if got := labelWidth(c.label); got != c.width {
			t.Errorf("labelWidth(%q) = %d, want %d", c.label, got, c.width)
		}
	}
	if err := labelsFit([][]telegramtest.Button{{{Text: "📝 Daftar Angkatan II"}, {Text: "🏠 Menu Utama"}}}); err == nil {
		t.Error("a 22-wide label passed with two in a row")
	}
	if err := labelsFit([][]telegramtest.Button{{{Text: "📝 Daftar Angkatan II"}}, {{Text: "1"}, {Text: "2"}, {Text: "3"}, {Text: "4"}, {Text: "5"}}}); err != nil {
		t.Error(err)
	}
}
