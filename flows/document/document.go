// Package document writes the files the bot sends: spreadsheets an admin opens in Excel (CSV
// and XLSX, from a Table, or workbooks of several sheets with a chart), charts as PNG images,
// and calendar entries a phone imports (.ics). Every file is built
// here, with the same care for the reader's program, so no conversation writes one by hand.
package document

import (
	"bytes"
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Table is rows of text under a header: a list an admin takes into Excel. Every cell is text,
// so a NIP or a phone number keeps its digits instead of becoming a number.
type Table struct {
	Header []string
	Rows   [][]string
}

// CSV writes the table as Excel reads a CSV: UTF-8 with a byte order mark (without it Excel
// garbles Indonesian names), every field quoted (Excel set to Indonesian splits on ";", not
// only on ","), and no field that Excel would run as a formula: one that begins, after any
// spaces, with = + - @, or with a tab or a carriage return, gets a leading apostrophe. A phone
// number ("+62…", digits only) is written as the text formula ="+62…", which Excel shows
// as the number itself, where an apostrophe would show.
func (t Table) CSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	for _, row := range t.all() {
		for j, cell := range row {
			if j > 0 {
				buf.WriteByte(',')
			}
			switch {
			case phoneLike(cell):
				cell = `="` + cell + `"`
			case formulaLike(cell):
				cell = "'" + cell
			}
			buf.WriteByte('"')
			buf.WriteString(strings.ReplaceAll(cell, `"`, `""`))
			buf.WriteByte('"')
		}
		buf.WriteString("\r\n")
	}
	return buf.Bytes()
}

// formulaLike says whether a spreadsheet could take s for a formula.
func formulaLike(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '\t' || s[0] == '\r' {
		return true
	}
	rest := strings.TrimLeft(s, " ")
	return rest != "" && strings.ContainsRune("=+-@", rune(rest[0]))
}

// phoneLike: "+" and 6 to 15 digits, as the bot stores a phone number.
func phoneLike(s string) bool {
	if len(s) < 7 || len(s) > 16 || s[0] != '+' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// XLSX writes the table as a workbook of one sheet, its header row frozen.
func (t Table) XLSX() ([]byte, error) { return Workbook(Sheet{Rows: t.Cells()}) }

func (t Table) all() [][]string { return append([][]string{t.Header}, t.Rows...) }

// Event is one entry of a calendar.
type Event struct {
	UID         string // stays the same when the entry is sent again, so a calendar updates it
	Summary     string
	Description string
	Location    string
	URL         string
	Start, End  time.Time
	Stamp       time.Time // when the file was made
	// Sequence counts the entry's revisions: a calendar replaces an entry of the same UID only
	// with one of a higher sequence (RFC 5545 3.8.7.4), so a schedule change must raise it.
	Sequence int
}

// ICS writes the event as an iCalendar file, times in UTC (a calendar shows them in the
// phone's own zone).
func (e Event) ICS() []byte {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Bot Pelatihan ASN//ID")
	ev := cal.AddEvent(e.UID)
	ev.SetDtStampTime(e.Stamp.UTC())
	ev.SetStartAt(e.Start.UTC())
	ev.SetEndAt(e.End.UTC())
	ev.SetSequence(e.Sequence)
	ev.SetSummary(e.Summary)
	ev.SetLocation(e.Location)
	if e.URL != "" {
		ev.SetURL(e.URL)
	}
	ev.SetDescription(e.Description)
	return []byte(cal.Serialize())
}

// GoogleCalendar is a link that opens Google Calendar's "new event" form filled in with the
// entry: Android's calendar often cannot open an .ics file sent in a chat. Google has no
// update for a link: after a change the new link is sent, and the old entry is the user's.
func (e Event) GoogleCalendar() string {
	const stamp = "20060102T150405Z"
	q := url.Values{}
	q.Set("action", "TEMPLATE")
	q.Set("text", e.Summary)
	q.Set("dates", e.Start.UTC().Format(stamp)+"/"+e.End.UTC().Format(stamp))
	details := e.Description
	if e.URL != "" {
		details += "\n" + e.URL
	}
	q.Set("details", details)
	if e.Location != "" {
		q.Set("location", e.Location)
	}
	return "https://calendar.google.com/calendar/render?" + q.Encode()
}

// Cells is the table as workbook rows, header first.
func (t Table) Cells() [][]any {
	rows := make([][]any, 0, len(t.Rows)+1)
	for _, r := range t.all() {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		rows = append(rows, cells)
	}
	return rows
}
