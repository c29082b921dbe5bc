package bot

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/locales"
)

// Our own reply_markup types: the library's InlineKeyboardButton always carries an empty
// copy_text object, which the Bot API documents as a button type of its own; sending only the
// fields we mean keeps every button to exactly one action.
type inlineMarkup struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

type keyboardMarkup struct {
	Keyboard        [][]keyboardButton `json:"keyboard"`
	ResizeKeyboard  bool               `json:"resize_keyboard"`
	OneTimeKeyboard bool               `json:"one_time_keyboard"`
}

type keyboardButton struct {
	Text           string `json:"text"`
	RequestContact bool   `json:"request_contact,omitempty"`
}

type removeMarkup struct {
	RemoveKeyboard bool `json:"remove_keyboard"`
}

// Renderer turns flows' Texts into HTML for Telegram.
type Renderer struct {
	texts *locales.Texts
}

// NewRenderer returns a Renderer over the locale texts.
func NewRenderer(texts *locales.Texts) *Renderer { return &Renderer{texts: texts} }

// HTML renders t for parse_mode HTML: user data escaped, nested Texts and dates rendered.
func (r *Renderer) HTML(t flows.Text) (string, error) {
	if t.HTML != "" {
		return r.fill(t)
	}
	if t.Key == "" {
		return html.EscapeString(t.Raw), nil
	}
	args, err := r.args(t.Args)
	if err != nil {
		return "", err
	}
	return r.texts.Render(t.Key, args)
}

// Plain renders t for places without markup (button labels, callback answers).
func (r *Renderer) Plain(t flows.Text) (string, error) {
	if t.Key == "" && t.HTML == "" {
		return t.Raw, nil
	}
	s, err := r.HTML(t)
	if err != nil {
		return "", err
	}
	return flows.PlainOf(s), nil
}

// fill renders markup made from what an admin wrote, its {placeholders} filled from t's
// arguments (escaped; a time as a date and time); a placeholder without an argument stays.
func (r *Renderer) fill(t flows.Text) (string, error) {
	if len(t.Args) == 0 {
		return t.HTML, nil
	}
	args, err := r.args(t.Args)
	if err != nil {
		return "", err
	}
	return flows.Placeholders.ReplaceAllStringFunc(t.HTML, func(p string) string {
		switch v := args[p].(type) {
		case nil:
			return p
		case locales.HTML:
			return string(v)
		case string:
			return html.EscapeString(v)
		default:
			return html.EscapeString(fmt.Sprint(v))
		}
	}), nil
}

func (r *Renderer) args(in map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(in))
	for k, v := range in {
		switch v := v.(type) {
		case flows.Text:
			s, err := r.HTML(v)
			if err != nil {
				return nil, fmt.Errorf("argument %s: %w", k, err)
			}
			out[k] = locales.HTML(s)
		case flows.List:
			items := make([]string, 0, len(v))
			for _, t := range v {
				s, err := r.HTML(t)
				if err != nil {
					return nil, fmt.Errorf("argument %s: %w", k, err)
				}
				items = append(items, s)
			}
			and, err := r.HTML(flows.T("umum.dan"))
			if err != nil {
				return nil, fmt.Errorf("argument %s: %w", k, err)
			}
			out[k] = locales.HTML(joinList(items, and))
		case []flows.Text:
			lines := make([]string, 0, len(v))
			for _, t := range v {
				s, err := r.HTML(t)
				if err != nil {
					return nil, fmt.Errorf("argument %s: %w", k, err)
				}
				lines = append(lines, s)
			}
			out[k] = locales.HTML(strings.Join(lines, "\n"))
		case time.Time:
			// Shown in the location the flow chose (the batch's zone).
			out[k] = r.texts.DateTime(v)
		case flows.Date:
			out[k] = r.texts.Date(v.Time)
		case flows.ShortDate:
			out[k] = r.texts.ShortDate(v.Time)
		case flows.DayDate:
			out[k] = r.texts.DayDate(v.Time)
		default:
			out[k] = v
		}
	}
	return out, nil
}

// message renders a reply's body: its text and further paragraphs.
func (r *Renderer) message(rep flows.Reply) (string, error) {
	parts := make([]string, 0, 1+len(rep.Parts))
	for _, t := range append([]flows.Text{rep.Text}, rep.Parts...) {
		if t.IsZero() {
			continue
		}
		s, err := r.HTML(t)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n\n"), nil
}

// markup renders a reply's keyboard; nil when it has none.
func (r *Renderer) markup(rep flows.Reply) (any, error) {
	switch {
	case len(rep.Buttons) > 0:
		m := inlineMarkup{InlineKeyboard: make([][]inlineButton, 0, len(rep.Buttons))}
		for _, row := range rep.Buttons {
			out := make([]inlineButton, 0, len(row))
			for _, b := range row {
				label, err := r.Plain(b.Label)
				if err != nil {
					return nil, err
				}
				out = append(out, inlineButton{Text: label, CallbackData: b.Data, URL: b.URL})
			}
			m.InlineKeyboard = append(m.InlineKeyboard, out)
		}
		return m, nil
	case len(rep.Keyboard) > 0:
		m := keyboardMarkup{ResizeKeyboard: true, OneTimeKeyboard: true}
		for _, row := range rep.Keyboard {
			out := make([]keyboardButton, 0, len(row))
			for _, b := range row {
				label, err := r.Plain(b.Label)
				if err != nil {
					return nil, err
				}
				out = append(out, keyboardButton{Text: label, RequestContact: b.RequestContact})
			}
			m.Keyboard = append(m.Keyboard, out)
		}
		return m, nil
	case rep.RemoveKeyboard:
		return removeMarkup{RemoveKeyboard: true}, nil
	}
	return nil, nil
}

// fitMessage keeps a message within Telegram's limit. Flows keep their texts short; this is the
// safety net for data longer than expected (a long description, a long list): the user gets
// the beginning of the text, without markup, rather than nothing.
func fitMessage(s string) string {
	plain := flows.PlainOf(s)
	if flows.UTF16Len(plain) <= flows.MaxMessage {
		return s
	}
	r := []rune(plain)
	for flows.UTF16Len(string(r)) > flows.MaxMessage-20 {
		r = r[:len(r)*9/10]
	}
	return html.EscapeString(string(r)) + " …"
}

// joinList writes items as a sentence does: "a", "a dan b", "a, b, dan c".
func joinList(items []string, and string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " " + and + " " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + ", " + and + " " + items[len(items)-1]
}
