package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bpsdm/asnbot/flows/document"
)

// roster answers /peserta <kode>: each batch's participants and waiting list, with files.
func (c *conv) roster() error {
	code := strings.TrimSpace(strings.TrimPrefix(c.in.Text, "c_"))
	course, batches, entries, ok, err := c.adminCourse(code, "peserta.cara")
	if !ok {
		return err
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
	table := rosterTable(entries)
	xlsx, err := table.XLSX()
	if err != nil {
		return fmt.Errorf("roster: %w", err)
	}
	name := "peserta-" + course.Code + "-" + c.e.now().In(c.e.zone).Format("20060102-1504")
	if err := c.auditExport(name, len(entries)); err != nil {
		return err
	}
	c.say(Reply{File: &File{Name: name + ".csv", Content: table.CSV(), Caption: T("peserta.berkas_csv")}})
	c.say(Reply{File: &File{Name: name + ".xlsx", Content: xlsx, Caption: T("peserta.berkas_xlsx")}})
	return nil
}

// adminCourse loads the course an admin's command names by its code, with every batch and
// their participants; ok is false when it answered instead: with usage when no code was
// given, or that no course has the code.
// pickedBatch loads the batch a chooser's button names (its first argument); ok is false when
// the button is forged or its batch gone, which is answered as an old button.
func (c *conv) pickedBatch() (Course, Batch, bool, error) {
	id, ok := c.data.id(0)
	if !ok {
		return Course{}, Batch{}, false, c.expired()
	}
	course, b, err := c.e.store.Batch(c.ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Course{}, Batch{}, false, c.expired()
	}
	if err != nil {
		return Course{}, Batch{}, false, fmt.Errorf("batch %d: %w", id, err)
	}
	return course, b, true, nil
}

// batchChoices is a chooser of batches, one button a row ("Angkatan I · 22 Des 2026"), each
// carrying what data makes of its batch.
func batchChoices(batches []Batch, data func(Batch) string) [][]Button {
	rows := make([][]Button, 0, len(batches))
	for _, b := range batches {
		rows = append(rows, []Button{{Label: T("jadwal.pilih_baris", "Batch", b.Name, "Start", ShortDate{b.StartsAt.In(b.Zone())}),
			Data: data(b)}})
	}
	return rows
}

// courseAndBatch splits a command's arguments into a course code and a batch's name ("MAN-ASN
// Angkatan II"); both may be empty.
func courseAndBatch(args []string) (code, batch string) {
	if len(args) == 0 {
		return "", ""
	}
	return args[0], strings.Join(args[1:], " ")
}

func (c *conv) adminCourse(code, usage string) (Course, []Batch, []RosterEntry, bool, error) {
	if code == "" {
		c.say(Reply{Text: T(usage)})
		return Course{}, nil, nil, false, nil
	}
	course, batches, entries, err := c.e.store.Roster(c.ctx, code)
	if errors.Is(err, ErrNotFound) {
		c.say(Reply{Text: T("peserta.tidak_ada_kode", "Code", code)})
		return Course{}, nil, nil, false, nil
	}
	if err != nil {
		return Course{}, nil, nil, false, fmt.Errorf("course %s: %w", code, err)
	}
	return course, batches, entries, true, nil
}

// rosterColumns are the export's headers: snake_case like the import's, so an admin's
// spreadsheet habits carry over.
var rosterColumns = []string{"angkatan", "status", "urutan_tunggu", "nama", "nip", "instansi", "unit_kerja",
	"jabatan", "golongan", "telepon", "didaftarkan"}

// rosterTable is the roster as a spreadsheet: one row per enrolment.
func rosterTable(entries []RosterEntry) document.Table {
	t := document.Table{Header: rosterColumns}
	for _, e := range entries {
		pos := ""
		if e.Enrolment.Position > 0 {
			pos = strconv.Itoa(e.Enrolment.Position)
		}
		p := e.Participant
		t.Rows = append(t.Rows, []string{e.Enrolment.Batch.Name, string(e.Enrolment.Status), pos, p.Name,
			p.NIP, p.Agency, p.Unit, p.Position, p.Rank, p.Phone,
			e.Enrolment.CreatedAt.In(e.Enrolment.Batch.Zone()).Format("2006-01-02 15:04")})
	}
	return t
}
