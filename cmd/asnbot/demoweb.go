package main

import (
	"embed"
	"encoding/json"
	"html"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/storage"
)

// The demo's page: one HTML file, a stylesheet and a small script, embedded; every word from
// locales/ (demo.*). The script polls /api/chat for the person shown and posts what they type
// or press; the server turns that into the fake Bot API's updates, as a phone would.

//go:embed demoweb
var demoFiles embed.FS

var demoIndex = template.Must(template.ParseFS(demoFiles, "demoweb/index.html"))

// demoTexts are the page's words, by locale key.
var demoTexts = []string{"judul", "pita", "ketik", "kirim", "jam", "maju_jam", "maju_hari", "akhir", "unduh",
	"disunting", "kosong", "mulai", "gagal", "peserta", "admin", "tanpa_angkatan", "bagikan", "lampirkan"}

type demoPage struct {
	tg    *telegramtest.Server
	db    *storage.DB
	clock *demoClock
	r     *bot.Renderer
	zone  *time.Location
	log   *slog.Logger
}

func (p *demoPage) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", p.index)
	mux.Handle("GET /demoweb/", http.FileServerFS(demoFiles))
	mux.HandleFunc("GET /api/chat", p.chat)
	mux.HandleFunc("POST /api/send", p.send)
	mux.HandleFunc("POST /api/press", p.press)
	mux.HandleFunc("POST /api/contact", p.contact)
	mux.HandleFunc("POST /api/upload", p.upload)
	mux.HandleFunc("POST /api/clock", p.moveClock)
	mux.HandleFunc("GET /api/file", p.file)
	return mux
}

func (p *demoPage) index(w http.ResponseWriter, _ *http.Request) {
	texts := map[string]string{}
	for _, k := range demoTexts {
		s, err := p.r.Plain(flows.T("demo." + k))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		texts[k] = s
	}
	people, _ := json.Marshal(demoPeople)
	textJSON, _ := json.Marshal(texts)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = demoIndex.Execute(w, map[string]any{"T": texts, "People": template.JS(people), "Texts": template.JS(textJSON)})
}

// person is the demo person a request names (?u= or the form's u).
func (p *demoPage) person(r *http.Request) (*telegramtest.User, demoPerson, bool) {
	id, err := strconv.ParseInt(r.FormValue("u"), 10, 64)
	if err != nil {
		return nil, demoPerson{}, false
	}
	for _, d := range demoPeople {
		if d.ID == id {
			return p.tg.User(d.ID, d.Name), d, true
		}
	}
	return nil, demoPerson{}, false
}

type demoButton struct {
	Text    string `json:"text"`
	Data    string `json:"data,omitempty"`
	URL     string `json:"url,omitempty"`
	Contact bool   `json:"contact,omitempty"`
}

type demoEntry struct {
	ID       int            `json:"id"`
	FromUser bool           `json:"from_user"`
	HTML     string         `json:"html"`
	Buttons  [][]demoButton `json:"buttons,omitempty"`
	File     string         `json:"file,omitempty"`  // a document's name, to download
	Photo    bool           `json:"photo,omitempty"` // shown from /api/file
	Edited   bool           `json:"edited,omitempty"`
}

type demoChat struct {
	Version  int            `json:"version"`
	Clock    string         `json:"clock"`
	Entries  []demoEntry    `json:"entries"`
	Keyboard [][]demoButton `json:"keyboard,omitempty"`
	Toast    string         `json:"toast,omitempty"`
	Toasts   int            `json:"toasts"`
	// Counts are each person's messages, for the tabs to show who has something new.
	Counts map[int64]int `json:"counts"`
}

// chat is one person's chat as it is now: both sides, the bot's messages after their edits,
// the reply keyboard in force, and the last answer to a pressed button.
func (p *demoPage) chat(w http.ResponseWriter, r *http.Request) {
	u, _, ok := p.person(r)
	if !ok {
		http.Error(w, "unknown person", http.StatusBadRequest)
		return
	}
	out := demoChat{Version: p.tg.Version()}
	if v, err := strconv.Atoi(r.FormValue("v")); err == nil && v == out.Version {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	out.Clock, _ = p.r.Plain(flows.T("demo.jam_bot", "Now", p.clock.Now().In(p.zone)))
	conv := p.tg.Conversation(u.ID)
	out.Counts = map[int64]int{u.ID: len(conv)}
	for _, d := range demoPeople {
		if d.ID != u.ID {
			out.Counts[d.ID] = len(p.tg.Conversation(d.ID))
		}
	}
	for _, e := range conv {
		if e.FromUser {
			out.Entries = append(out.Entries, demoEntry{ID: e.ID, FromUser: true, HTML: html.EscapeString(e.Text)})
			continue
		}
		m := e.Message
		d := demoEntry{ID: m.ID, HTML: safeHTML(m.Raw), Edited: m.Edited && m.Method != "editMessageMedia"}
		for _, row := range m.Buttons {
			var br []demoButton
			for _, b := range row {
				br = append(br, demoButton{Text: b.Text, Data: b.CallbackData, URL: b.URL})
			}
			d.Buttons = append(d.Buttons, br)
		}
		switch {
		case m.Document != nil:
			d.File = m.Document.Name
		case m.Photo != nil:
			d.Photo = true
		}
		switch {
		case len(m.Keyboard) > 0:
			out.Keyboard = nil
			for _, row := range m.Keyboard {
				var br []demoButton
				for _, b := range row {
					br = append(br, demoButton{Text: b.Text, Contact: b.RequestContact})
				}
				out.Keyboard = append(out.Keyboard, br)
			}
		case m.RemoveKeyboard:
			out.Keyboard = nil
		}
		out.Entries = append(out.Entries, d)
	}
	answers := u.CallbackAnswers()
	out.Toasts = len(answers)
	if n := len(answers); n > 0 {
		out.Toast = answers[n-1].Text
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// send is a message typed on the page (or a reply keyboard's plain button).
func (p *demoPage) send(w http.ResponseWriter, r *http.Request) {
	u, _, ok := p.person(r)
	text := strings.TrimSpace(r.FormValue("text"))
	if !ok || text == "" || len(text) > 4096 {
		http.Error(w, "bad message", http.StatusBadRequest)
		return
	}
	u.Send(text)
	w.WriteHeader(http.StatusNoContent)
}

// press is a tap on an inline button: only one the message carries now, as in Telegram.
func (p *demoPage) press(w http.ResponseWriter, r *http.Request) {
	u, _, ok := p.person(r)
	id, err := strconv.Atoi(r.FormValue("msg"))
	data := r.FormValue("data")
	if !ok || err != nil || data == "" {
		http.Error(w, "bad press", http.StatusBadRequest)
		return
	}
	for _, e := range p.tg.Conversation(u.ID) {
		if e.FromUser || e.ID != id {
			continue
		}
		for _, row := range e.Message.Buttons {
			for _, b := range row {
				if b.CallbackData == data {
					u.PressData(e.Message, data)
					w.WriteHeader(http.StatusNoContent)
					return
				}
			}
		}
	}
	http.Error(w, "no such button", http.StatusConflict)
}

// contact shares the person's own phone number (the reply keyboard's contact button).
func (p *demoPage) contact(w http.ResponseWriter, r *http.Request) {
	u, d, ok := p.person(r)
	if !ok {
		http.Error(w, "unknown person", http.StatusBadRequest)
		return
	}
	u.ShareContact(d.Phone)
	w.WriteHeader(http.StatusNoContent)
}

// maxUpload is Telegram's limit on a file a bot may download (getFile).
const maxUpload = 20 << 20

// upload sends a file from the page as a document: a catalogue for an admin to import, a
// certificate's proof for "Catat pelatihan lain".
func (p *demoPage) upload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	u, _, ok := p.person(r)
	if !ok {
		http.Error(w, "unknown person", http.StatusBadRequest)
		return
	}
	f, h, err := r.FormFile("file")
	if err != nil {
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil || len(content) > maxUpload {
		http.Error(w, "file too large", http.StatusRequestEntityTooLarge)
		return
	}
	u.SendDocument(filepath.Base(h.Filename), content)
	w.WriteHeader(http.StatusNoContent)
}

// moveClock moves the bot's clock forward: an hour, a day, or to a minute past the end of the
// next batch to end.
func (p *demoPage) moveClock(w http.ResponseWriter, r *http.Request) {
	now := p.clock.Now()
	switch r.FormValue("step") {
	case "jam":
		p.clock.advanceTo(now.Add(time.Hour))
	case "hari":
		p.clock.advanceTo(now.Add(24 * time.Hour))
	case "akhir":
		var end *time.Time
		err := p.db.Gorm().WithContext(r.Context()).
			Raw("SELECT min(ends_at) FROM batches WHERE ends_at > ? AND status = 'open'", now.UTC()).Scan(&end).Error
		if err != nil {
			p.log.Error("demo clock", "err", err)
			http.Error(w, "database", http.StatusServiceUnavailable)
			return
		}
		if end == nil {
			msg, _ := p.r.Plain(flows.T("demo.tanpa_angkatan"))
			http.Error(w, msg, http.StatusConflict)
			return
		}
		p.clock.advanceTo(end.Add(time.Minute))
	default:
		http.Error(w, "bad step", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// file serves a message's document (a download) or photo (shown inline).
func (p *demoPage) file(w http.ResponseWriter, r *http.Request) {
	u, _, ok := p.person(r)
	id, err := strconv.Atoi(r.FormValue("msg"))
	if !ok || err != nil {
		http.Error(w, "bad file", http.StatusBadRequest)
		return
	}
	for _, e := range p.tg.Conversation(u.ID) {
		if e.FromUser || e.ID != id {
			continue
		}
		switch m := e.Message; {
		case m.Document != nil:
			w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(m.Document.Name, `"`, "")+`"`)
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(m.Document.Content)
			return
		case m.Photo != nil:
			w.Header().Set("Content-Type", http.DetectContentType(m.Photo.Content))
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(m.Photo.Content)
			return
		}
	}
	http.NotFound(w, r)
}

// safeHTML keeps of a message's HTML only what Telegram's HTML parse mode allows (b, i, u, s,
// code, pre, a with a web link, blockquote, spoilers), escaping the rest: the page shows the
// bot's formatting and nothing a user typed can become markup.
func safeHTML(raw string) string {
	allowed := map[string]bool{"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
		"strike": true, "del": true, "code": true, "pre": true, "a": true, "blockquote": true, "tg-spoiler": true}
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(raw))
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return strings.ReplaceAll(b.String(), "\n", "<br>")
		case xhtml.TextToken:
			b.WriteString(html.EscapeString(string(z.Text())))
		case xhtml.StartTagToken, xhtml.EndTagToken:
			t := z.Token()
			if !allowed[t.Data] {
				continue
			}
			if tt == xhtml.EndTagToken {
				b.WriteString("</" + t.Data + ">")
				continue
			}
			b.WriteString("<" + t.Data)
			for _, a := range t.Attr {
				if t.Data == "a" && a.Key == "href" && (strings.HasPrefix(a.Val, "https://") || strings.HasPrefix(a.Val, "http://")) {
					b.WriteString(` href="` + html.EscapeString(a.Val) + `" target="_blank" rel="noopener"`)
				}
			}
			b.WriteString(">")
		}
	}
}
