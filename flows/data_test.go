package flows

import "testing"

func TestCallbackData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data       string
		ns, action string
		arg0, arg1 string
		rest1      string
		id         int64
	}{
		{cb(nsMenu, "home"), "m", "home", "", "", "", 0},
		{cb(nsBrowse, "b", int64(42)), "k", "b", "42", "", "", 42},
		{cb(nsSchedule, "s", int64(7), 3), "j", "s", "7", "3", "3", 7},
		{cb(nsBrowse, "l", 0, "Manajerial: Dasar", "daring"), "k", "l", "0", "Manajerial", "Manajerial: Dasar:daring", 0},
		{cb(nsRank, "III/a"), "rank", "III/a", "", "", "", 0},
		{"k:b:abc", "k", "b", "abc", "", "", 0},
		{"nonsense", "nonsense", "", "", "", "", 0},
	}
	for _, tt := range tests {
		d := parseData(tt.data)
		id, ok := d.id(0)
		if d.ns != tt.ns || d.action != tt.action || d.arg(0) != tt.arg0 || d.arg(1) != tt.arg1 ||
			d.rest(1) != tt.rest1 || id != tt.id || ok != (tt.id > 0) {
			t.Errorf("%q: %+v arg0 %q arg1 %q rest1 %q id %d %v", tt.data, d, d.arg(0), d.arg(1), d.rest(1), id, ok)
		}
		if len(tt.data) > maxData {
			t.Errorf("%q is over Telegram's %d bytes", tt.data, maxData)
		}
	}
}
