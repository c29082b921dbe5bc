package flows

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// maxImportSize is the largest catalogue file the bot downloads.
const maxImportSize = 5 << 20

// roster answers /peserta <kode>: each batch's participants and waiting list, with files.
func (c *conv) roster(code string) error {
	code = strings.TrimSpace(strings.TrimPrefix(code, "c_"))
	if code == "" {
		c.say(Reply{Text: T("peserta.cara")})
		return nil
	}
	course, batches, entries, err := c.e.catalog.Roster(c.ctx, code)
	if errors.Is(err, ErrNotFound) {
		c.say(Reply{Text: T("peserta.tidak_ada_kode", "Code", code)})
		return nil
	}
	if err != nil {
		return fmt.Errorf("roster: %w", err)
	}
	var parts []Text
	for _, b := range batches {
		var lines []Text
		for _, e := range entries {
			if e.Enrolment.Batch.ID != b.ID {
				continue
			}
			key := "peserta.baris"
			if e.Enrolment.Status == Waiting {
				key = "peserta.baris_tunggu"
			}
			lines = append(lines, T(key, "N", len(lines)+1, "Name", e.Participant.Name, "Agency", e.Participant.Agency,
				"Position", e.Enrolment.Position))
		}
		// One message holds 4,096 characters: the list is cut, the files have everyone.
		if limit := max(5, 45/max(len(batches), 1)); len(lines) > limit {
			lines = append(lines[:limit], T("peserta.lainnya", "Count", len(lines)-limit))
		}
		if len(lines) == 0 {
			lines = []Text{T("peserta.kosong")}
		}
		parts = append(parts, T("peserta.angkatan", "Batch", b.Name, "Start", b.StartsAt.In(b.Zone()),
			"Registered", b.Registered, "Quota", b.Quota, "Waiting", b.Waiting, "Lines", lines))
	}
	c.say(Reply{Text: T("peserta.judul", "Title", course.Title, "Code", course.Code), Parts: parts})
	stamp := c.e.now().In(c.e.zone).Format("20060102-1504")
	c.say(Reply{File: &File{Name: "peserta-" + course.Code + "-" + stamp + ".csv", Content: rosterCSV(entries),
		Caption: T("peserta.berkas_csv")}})
	xlsx, err := rosterXLSX(entries)
	if err != nil {
		return fmt.Errorf("roster xlsx: %w", err)
	}
	c.say(Reply{File: &File{Name: "peserta-" + course.Code + "-" + stamp + ".xlsx", Content: xlsx,
		Caption: T("peserta.berkas_xlsx")}})
	return nil
}

// rosterXLSX writes the roster as a spreadsheet, every cell text (a NIP is not a number).
func rosterXLSX(entries []RosterEntry) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, row := range rosterRows(entries) {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return nil, err
		}
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return nil, err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// rosterColumns are the export's headers: snake_case like the import's, so an admin's
// spreadsheet habits carry over.
var rosterColumns = []string{"angkatan", "status", "urutan_tunggu", "nama", "nip", "instansi", "unit_kerja",
	"jabatan", "golongan", "telepon", "didaftarkan"}

func rosterRows(entries []RosterEntry) [][]string {
	rows := [][]string{rosterColumns}
	for _, e := range entries {
		pos := ""
		if e.Enrolment.Position > 0 {
			pos = strconv.Itoa(e.Enrolment.Position)
		}
		p := e.Participant
		rows = append(rows, []string{e.Enrolment.Batch.Name, string(e.Enrolment.Status), pos, p.Name,
			p.NIP, p.Agency, p.Unit, p.Position, p.Rank, p.Phone,
			e.Enrolment.CreatedAt.In(e.Enrolment.Batch.Zone()).Format("2006-01-02 15:04")})
	}
	return rows
}

func rosterCSV(entries []RosterEntry) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // Excel opens a UTF-8 CSV correctly only with a BOM
	w := csv.NewWriter(&buf)
	for _, r := range rosterRows(entries) {
		for j, cell := range r {
			// What a participant typed must not become a formula in the admin's spreadsheet.
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				r[j] = "'" + cell
			}
		}
		_ = w.Write(r)
	}
	w.Flush()
	return buf.Bytes()
}

// importDocument loads a catalogue file an admin sent.
func (c *conv) importDocument(doc *Document) error {
	if doc.Size > maxImportSize {
		c.say(Reply{Text: T("impor_bot.terlalu_besar")})
		return nil
	}
	data, err := c.e.files.Download(c.ctx, doc.FileID)
	if err != nil {
		return fmt.Errorf("download: %w", err)
	}
	courses, problems := catalogfile.Parse(doc.Name, data, c.e.zone)
	if len(problems) > 0 {
		lines := make([]Text, 0, len(problems))
		for i, p := range problems {
			if i == 15 {
				lines = append(lines, T("impor_bot.lainnya", "Count", len(problems)-15))
				break
			}
			lines = append(lines, ProblemText(p))
		}
		c.say(Reply{Text: T("impor_bot.ditolak", "Name", doc.Name, "Count", len(problems)), Parts: []Text{joinLines(lines)}})
		return nil
	}
	rep, err := c.e.catalog.Import(c.ctx, courses, c.e.now())
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	c.say(Reply{Text: importReport(doc.Name, rep)})
	return nil
}

// ProblemText is a catalogue file's problem as the admin reads it.
func ProblemText(p catalogfile.Problem) Text { return T(p.Key, argsOf(p.Args)...) }

func importReport(name string, r ImportReport) Text {
	return T("impor_bot.berhasil", "Name", name,
		"CA", r.CoursesAdded, "CC", r.CoursesChanged, "CU", r.CoursesUnchanged,
		"BA", r.BatchesAdded, "BC", r.BatchesChanged, "BU", r.BatchesUnchanged, "Promoted", len(r.Promotions), "Notified", r.Notified)
}
