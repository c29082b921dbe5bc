package bot

import (
	"html"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// entitiesHTML writes a message's text with its formatting (Telegram's entities, counted in
// UTF-16 code units) as Telegram HTML, so that what an admin typed can be sent again as they
// formatted it. Every piece of text is escaped. Entities Telegram finds by itself (links,
// mentions, hashtags) are left as text; it finds them again in the copy.
func entitiesHTML(text string, entities []models.MessageEntity) string {
	if len(entities) == 0 { // most messages: no need to count in UTF-16
		return html.EscapeString(text)
	}
	units := utf16.Encode([]rune(text))
	type tag struct {
		open, close string
		start, end  int
	}
	var tags []tag
	for _, e := range entities {
		start, end := e.Offset, e.Offset+e.Length
		if start < 0 || end > len(units) || start >= end {
			continue
		}
		open, close := entityTags(e)
		if open == "" {
			continue
		}
		tags = append(tags, tag{open, close, start, end})
	}
	// Outer entities first: Telegram's entities nest or are apart, never cross.
	sort.SliceStable(tags, func(i, j int) bool {
		if tags[i].start != tags[j].start {
			return tags[i].start < tags[j].start
		}
		return tags[i].end > tags[j].end
	})
	var b strings.Builder
	var stack []tag
	text16 := func(from, to int) { b.WriteString(html.EscapeString(string(utf16.Decode(units[from:to])))) }
	pos, next := 0, 0
	for pos < len(units) || len(stack) > 0 {
		// Close what ends here, innermost first.
		if n := len(stack); n > 0 && stack[n-1].end <= pos {
			b.WriteString(stack[n-1].close)
			stack = stack[:n-1]
			continue
		}
		// Open what starts here, if it fits inside the innermost open one.
		if next < len(tags) && tags[next].start <= pos {
			t := tags[next]
			next++
			if n := len(stack); n > 0 && t.end > stack[n-1].end {
				continue // crosses its parent: not valid Telegram, dropped
			}
			b.WriteString(t.open)
			stack = append(stack, t)
			continue
		}
		// Text up to the next boundary.
		stop := len(units)
		if next < len(tags) && tags[next].start < stop {
			stop = tags[next].start
		}
		if n := len(stack); n > 0 && stack[n-1].end < stop {
			stop = stack[n-1].end
		}
		if stop <= pos {
			break
		}
		text16(pos, stop)
		pos = stop
	}
	return b.String()
}

// entityTags are the HTML tags of one entity; empty for those kept as plain text.
func entityTags(e models.MessageEntity) (open, close string) {
	switch e.Type {
	case models.MessageEntityTypeBold:
		return "<b>", "</b>"
	case models.MessageEntityTypeItalic:
		return "<i>", "</i>"
	case models.MessageEntityTypeUnderline:
		return "<u>", "</u>"
	case models.MessageEntityTypeStrikethrough:
		return "<s>", "</s>"
	case models.MessageEntityTypeSpoiler:
		return "<tg-spoiler>", "</tg-spoiler>"
	case models.MessageEntityTypeCode:
		return "<code>", "</code>"
	case models.MessageEntityTypePre:
		if e.Language != "" {
			return `<pre><code class="language-` + html.EscapeString(e.Language) + `">`, "</code></pre>"
		}
		return "<pre>", "</pre>"
	case models.MessageEntityTypeTextLink:
		return `<a href="` + html.EscapeString(e.URL) + `">`, "</a>"
	case models.MessageEntityTypeTextMention:
		if e.User != nil {
			return `<a href="tg://user?id=` + strconv.FormatInt(e.User.ID, 10) + `">`, "</a>"
		}
	case models.MessageEntityTypeBlockquote:
		return "<blockquote>", "</blockquote>"
	case models.MessageEntityTypeExpandableBlockquote:
		return "<blockquote expandable>", "</blockquote>"
	}
	return "", ""
}
