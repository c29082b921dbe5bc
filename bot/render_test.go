package bot

import (
	"html"
	"strings"
	"testing"

	"github.com/bpsdm/asnbot/flows"
)

func TestFitMessage(t *testing.T) {
	t.Parallel()
	short := "<b>Halo</b> &amp; selamat"
	if got := fitMessage(short); got != short {
		t.Errorf("a short message changed: %q", got)
	}
	long := "<b>Judul</b>\n" + strings.Repeat("Deskripsi &lt;panjang&gt; ", 400)
	got := fitMessage(long)
	if flows.UTF16Len(html.UnescapeString(got)) > flows.MaxMessage || strings.Contains(got, "<b>") || !strings.HasSuffix(got, "…") {
		t.Errorf("long message not fitted: %d units, %q…", flows.UTF16Len(html.UnescapeString(got)), got[:40])
	}
	if !strings.Contains(got, "&lt;panjang&gt;") {
		t.Error("user text lost its escaping")
	}
}

func TestJoinList(t *testing.T) {
	for want, items := range map[string][]string{
		"": nil, "a": {"a"}, "a dan b": {"a", "b"}, "a, b, dan c": {"a", "b", "c"},
	} {
		if got := joinList(items, "dan"); got != want {
			t.Errorf("joinList(%q) = %q, want %q", items, got, want)
		}
	}
}
