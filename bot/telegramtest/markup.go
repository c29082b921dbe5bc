package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// inlineActions are the InlineKeyboardButton fields of which exactly one must be used.
var inlineActions = []string{
	"url", "callback_data", "web_app", "login_url", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
	"callback_game", "pay",
}

// setMarkup applies a reply_markup parameter. Edits accept inline keyboards only, and an
// edit without reply_markup removes the inline keyboard, as Telegram does.
func (m *Message) setMarkup(raw string, edit bool) *apiError {
	m.Buttons = nil
	if raw == "" {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return badRequest("can't parse reply keyboard markup JSON object")
	}
	if rows, ok := obj["inline_keyboard"]; ok {
		var aerr *apiError
		m.Buttons, aerr = parseInline(rows)
		return aerr
	}
	if edit {
		return badRequest("inline keyboard expected")
	}
	if rows, ok := obj["keyboard"]; ok {
		var kb [][]json.RawMessage
		if err := json.Unmarshal(rows, &kb); err != nil {
			return badRequest("can't parse reply keyboard markup JSON object")
		}
		for _, row := range kb {
			var out []KeyboardButton
			for _, b := range row {
				var kbtn struct {
					Text           string `json:"text"`
					RequestContact bool   `json:"request_contact"`
				}
				if json.Unmarshal(b, &kbtn.Text) != nil && json.Unmarshal(b, &kbtn) != nil {
					return badRequest("can't parse keyboard button")
				}
				out = append(out, KeyboardButton(kbtn))
			}
			m.Keyboard = append(m.Keyboard, out)
		}
	}
	m.RemoveKeyboard = string(obj["remove_keyboard"]) == "true"
	return nil
}

func parseInline(raw json.RawMessage) ([][]Button, *apiError) {
	var rows [][]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, badRequest("can't parse inline keyboard button: " + err.Error())
	}
	var out [][]Button
	for _, row := range rows {
		var r []Button
		for _, btn := range row {
			b, aerr := parseButton(btn)
			if aerr != nil {
				return nil, aerr
			}
			r = append(r, b)
		}
		out = append(out, r)
	}
	return out, nil
}

func parseButton(btn map[string]json.RawMessage) (Button, *apiError) {
	var b Button
	if json.Unmarshal(btn["text"], &b.Text) != nil {
		return b, badRequest(`can't parse inline keyboard button: Field "text" must be of type String`)
	}
	actions := 0
	for _, k := range inlineActions {
		v, ok := btn[k]
		switch s := string(v); {
		case !ok || s == "null" || s == "false" || (k == "url" && s == `""`):
			continue
		case k == "copy_text": // go-telegram/bot always sends copy_text, with empty text when unused
			var ct struct{ Text string }
			if json.Unmarshal(v, &ct) != nil || ct.Text == "" {
				continue
			}
		}
		actions++
	}
	if v, ok := btn["callback_data"]; ok {
		if json.Unmarshal(v, &b.CallbackData) != nil || len(b.CallbackData) < 1 || len(b.CallbackData) > 64 {
			return b, badRequest("BUTTON_DATA_INVALID")
		}
	}
	if v, ok := btn["url"]; ok && string(v) != `""` {
		_ = json.Unmarshal(v, &b.URL)
		u, err := url.Parse(b.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tg") {
			return b, badRequest("BUTTON_URL_INVALID")
		}
	}
	switch {
	case actions == 0:
		return b, badRequest("text buttons are unallowed in the inline keyboard")
	case actions > 1:
		return b, badRequest("can't parse inline keyboard button: Exactly one of the optional fields must be used to specify type of the button")
	}
	return b, nil
}

// htmlTags are the tags Telegram's HTML parse mode supports.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
	"strike": true, "del": true, "a": true, "code": true, "pre": true, "tg-spoiler": true,
	"span": true, "blockquote": true, "tg-emoji": true,
}

// parseHTML validates Telegram-style HTML and returns the visible text. Errors use
// Telegram's wording so a test's failure reads like production's.
func parseHTML(s string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("Unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			if closing, ok := strings.CutPrefix(tag, "/"); ok {
				name := strings.ToLower(strings.TrimSpace(closing))
				if len(stack) == 0 {
					return "", fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				if top := stack[len(stack)-1]; name != top {
					return "", fmt.Errorf(`Unmatched end tag at byte offset %d, expected "</%s>", found "</%s>"`, i, top, name)
				}
				stack = stack[:len(stack)-1]
			} else {
				name, attrs := splitTag(tag)
				if !htmlTags[name] || (name == "span" && attrs["class"] != "tg-spoiler") {
					return "", fmt.Errorf("Unsupported start tag %q at byte offset %d", name, i)
				}
				stack = append(stack, name)
			}
			i += end + 1
		case '&':
			text, n := entity(s[i:])
			if n == 0 {
				return "", fmt.Errorf(`Unescaped "&" at byte offset %d: use "&amp;"`, i)
			}
			out.WriteString(text)
			i += n
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("Can't find end tag corresponding to start tag %q", stack[len(stack)-1])
	}
	return out.String(), nil
}

// splitTag splits `a href="x"` into the lowercase name and its attributes.
func splitTag(tag string) (string, map[string]string) {
	name, rest, _ := strings.Cut(strings.TrimSpace(tag), " ")
	attrs := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
		key, after, hasValue := strings.Cut(rest, "=")
		if sp := strings.IndexAny(key, " \t\n"); sp >= 0 || !hasValue { // a bare attribute
			if sp < 0 {
				sp = len(rest)
			}
			attrs[strings.ToLower(rest[:sp])], rest = "", rest[sp:]
			continue
		}
		after = strings.TrimSpace(after)
		var val string
		if after != "" && (after[0] == '"' || after[0] == '\'') {
			val, rest, _ = strings.Cut(after[1:], after[:1])
		} else {
			val, rest, _ = strings.Cut(after, " ")
		}
		if decoded, err := parseHTML(val); err == nil {
			val = decoded
		}
		attrs[strings.ToLower(strings.TrimSpace(key))] = val
	}
	return strings.ToLower(name), attrs
}

// entity decodes the HTML entity at the start of s: the four named ones the Bot API
// supports, or a numeric one. n is 0 when s does not start with one.
func entity(s string) (text string, n int) {
	semi := strings.IndexByte(s, ';')
	if semi < 0 || semi > 12 {
		return "", 0
	}
	name := s[1:semi]
	switch name {
	case "lt":
		return "<", semi + 1
	case "gt":
		return ">", semi + 1
	case "amp":
		return "&", semi + 1
	case "quot":
		return `"`, semi + 1
	}
	num, ok := strings.CutPrefix(name, "#")
	if !ok || num == "" {
		return "", 0
	}
	base := 10
	if hex, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
		num, base = hex, 16
	}
	code, err := strconv.ParseUint(num, base, 32)
	if err != nil || code > 0x10FFFF {
		return "", 0
	}
	return string(rune(code)), semi + 1
}
