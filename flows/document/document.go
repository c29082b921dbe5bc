// Package document writes the files the bot sends: spreadsheets an admin opens in Excel (CSV
// and XLSX, from a Table, or workbooks of several sheets with a chart), charts as PNG images,
// and calendar entries a phone imports (.ics). Every file is built
// here, with the same care for the reader's program, so no conversation writes one by hand.
package document

import (
	"bytes"
	"encoding/csv"
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
// garbles Indonesian names), and no cell that Excel would run as a formula.
func (t Table) CSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	for _, row := range t.all() {
		out := make([]string, len(row))
		for j, cell := range row {
			// What a participant typed must not become a formula in the admin's spreadsheet.
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				cell = "'" + cell
			}
			out[j] = cell
		}
		_ = w.Write(out) // a bytes.Buffer does not fail
	}
	w.Flush()
	return buf.Bytes()
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
	ev.SetSummary(e.Summary)
	ev.SetLocation(e.Location)
	if e.URL != "" {
		ev.SetURL(e.URL)
	}
	ev.SetDescription(e.Description)
	return []byte(cal.Serialize())
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
