package bot

import (
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestEntitiesHTML(t *testing.T) {
	t.Parallel()
	e := func(typ models.MessageEntityType, off, n int) models.MessageEntity {
		return models.MessageEntity{Type: typ, Offset: off, Length: n}
	}
	link := e(models.MessageEntityTypeTextLink, 0, 4)
	link.URL = "https://example.org/?a=1&b=2"
	tests := []struct {
		name, text string
		ents       []models.MessageEntity
		want       string
	}{
		{"plain text is escaped", "a < b & c", nil, "a &lt; b &amp; c"},
		{"bold", "Yth. Bapak", []models.MessageEntity{e(models.MessageEntityTypeBold, 0, 4)}, "<b>Yth.</b> Bapak"},
		{"nested, with an emoji before (two UTF-16 units)", "📢 Penting sekali",
			[]models.MessageEntity{e(models.MessageEntityTypeBold, 3, 14), e(models.MessageEntityTypeItalic, 11, 6)},
			"📢 <b>Penting <i>sekali</i></b>"},
		{"a link keeps its address, escaped", "Info", []models.MessageEntity{link}, `<a href="https://example.org/?a=1&amp;b=2">Info</a>`},
		{"entities Telegram finds itself stay text", "lihat https://x.id", []models.MessageEntity{e(models.MessageEntityTypeURL, 6, 12)}, "lihat https://x.id"},
		{"crossing entities: the second is dropped", "abcdef",
			[]models.MessageEntity{e(models.MessageEntityTypeBold, 0, 4), e(models.MessageEntityTypeItalic, 2, 4)}, "<b>abcd</b>ef"},
		{"out of range is ignored", "abc", []models.MessageEntity{e(models.MessageEntityTypeBold, 2, 9)}, "abc"},
	}
	for _, tt := range tests {
		if got := entitiesHTML(tt.text, tt.ents); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
