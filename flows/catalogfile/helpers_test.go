package catalogfile

import (
	"bytes"
	"encoding/csv"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bpsdm/asnbot/flows/asn"
)

var (
	wib  = asn.WIB
	wita = asn.WITA
	wit  = asn.WIT
)

// testColumns is the header of the CSVs the tests build: every column, in the README's order.
// Clipped, so that a test appending to it gets its own copy (tests run in parallel).
var testColumns = slices.Clip(append(append([]string{}, requiredColumns...), optionalColumns...))

// validRow is a row that parses without problems; a case changes only what it tests.
func validRow(overrides ...string) map[string]string {
	r := map[string]string{
		"kode": "TEK-ANJAB", "judul": "Analisis Jabatan", "kategori": "Teknis", "metode": "klasikal",
		"jp": "32", "deskripsi": "Menyusun uraian jabatan.", "angkatan": "Angkatan I",
		"mulai": "2027-01-12 08:00", "selesai": "2027-01-15 16:00", "lokasi": "BPSDM, Bandung",
		"tautan_daring": "", "kuota": "30", "pendaftaran_dibuka": "2026-12-01 00:00",
		"pendaftaran_ditutup": "2027-01-05 23:59",
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		r[overrides[i]] = overrides[i+1]
	}
	return r
}

// csvOf writes rows under the full header (or under columns, when given).
func csvOf(rows ...map[string]string) []byte {
	return csvWith(testColumns, rows...)
}

func csvWith(columns []string, rows ...map[string]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(columns)
	for _, r := range rows {
		rec := make([]string, len(columns))
		for i, c := range columns {
			rec[i] = r[c]
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

// without returns the columns less some.
func without(columns []string, drop ...string) []string {
	var out []string
	for _, c := range columns {
		if !strings.Contains(","+strings.Join(drop, ",")+",", ","+c+",") {
			out = append(out, c)
		}
	}
	return out
}

// xlsxOf builds a workbook whose first sheet holds rows as given: a time.Time becomes a
// real date cell (its wall clock, as an admin's Excel holds it), anything else a text or
// number cell.
func xlsxOf(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxRow lays a row map out in testColumns order, with the date columns as date cells.
func xlsxRow(r map[string]string, zone *time.Location) []any {
	out := make([]any, len(testColumns))
	for i, c := range testColumns {
		out[i] = r[c]
		if dateColumns[c] && r[c] != "" {
			if t, ok := ParseDate(r[c], zone, false); ok {
				out[i] = wallClock(t)
			}
		}
	}
	return out
}

// wallClock is t's wall clock as a zoneless time, the way Excel stores a date.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// header returns testColumns as cells.
func headerCells() []any {
	out := make([]any, len(testColumns))
	for i, c := range testColumns {
		out[i] = c
	}
	return out
}

// with copies a row map with changes.
func with(r map[string]string, kv ...string) map[string]string {
	out := maps.Clone(r)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}
