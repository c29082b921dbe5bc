package catalogfile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/bpsdm/asnbot/flows/asn"
)

var update = flag.Bool("update", false, "regenerate examples/katalog.xlsx from examples/katalog.csv")

const examples = "../../examples"

// TestExamples checks the three example files hold the same catalogue and no problem.
func TestExamples(t *testing.T) {
	t.Parallel()
	read := func(name string) []Course {
		data, err := os.ReadFile(filepath.Join(examples, name))
		if err != nil {
			t.Fatal(err)
		}
		return mustParse(t, name, data, wib)
	}
	want := read("katalog.csv")
	for _, name := range []string{"katalog.xlsx", "katalog.yaml"} {
		if diff := cmp.Diff(want, read(name), cmpIgnoreRow); diff != "" {
			t.Errorf("%s differs from katalog.csv (-csv +%s):\n%s", name, name, diff)
		}
	}
	// What the README and the bot's demo rely on.
	batches, zones, methods, openOnDemoDay := 0, map[string]int{}, map[string]int{}, 0
	demoDay := time.Date(2026, 11, 22, 10, 0, 0, 0, wib)
	for _, c := range want {
		methods[c.Method]++
		for _, b := range c.Batches {
			batches++
			zones[b.TimeZone]++
			if !b.RegOpens.After(demoDay) && b.RegCloses.After(demoDay) {
				openOnDemoDay++
			}
		}
	}
	if len(want) < 12 || batches < 20 || len(zones) != 3 || len(methods) != 3 || openOnDemoDay < batches/2 {
		t.Errorf("%d courses, %d batches, zones %v, methods %v, %d open on 22 November 2026",
			len(want), batches, zones, methods, openOnDemoDay)
	}
}

// TestExampleXLSXIsCurrent checks examples/katalog.xlsx holds what katalog.csv does; with
// -update it writes it from the CSV, with real date cells as an admin's Excel has them.
// It is not parallel so that, with -update, the file is written before TestExamples reads it.
func TestExampleXLSXIsCurrent(t *testing.T) {
	csvData, err := os.ReadFile(filepath.Join(examples, "katalog.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := mustParse(t, "katalog.csv", csvData, wib)
	path := filepath.Join(examples, "katalog.xlsx")
	if *update {
		data, err := exampleWorkbook(want)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./flows/catalogfile/ -run TestExampleXLSXIsCurrent -update)", err)
	}
	if diff := cmp.Diff(want, mustParse(t, "katalog.xlsx", data, wib), cmpIgnoreRow); diff != "" {
		t.Errorf("katalog.xlsx is stale; run with -update (-csv +xlsx):\n%s", diff)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if typ, _ := f.GetCellType(f.GetSheetList()[0], "J2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("mulai in J2 is a %v cell, want a real date", typ)
	}
}

// exampleColumns is the example files' column order: course, then batch.
var exampleColumns = []string{"kode", "judul", "kategori", "metode", "jp", "deskripsi", "sasaran", "terbit",
	"angkatan", "mulai", "selesai", "zona", "lokasi", "tautan_daring", "kuota", "pendaftaran_dibuka", "pendaftaran_ditutup", "pengajar",
	"catatan", "kontak_nama", "kontak_wa"}

// zoneAbbr is how the example files name the zones.
var zoneAbbr = map[string]string{"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

// exampleWorkbook lays courses out as an admin's sheet: one row per batch, dates as date
// cells holding the batch's wall clock, a bold frozen header and readable widths.
func exampleWorkbook(courses []Course) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Katalog"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	dateFmt := "yyyy-mm-dd hh:mm"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	head := make([]any, len(exampleColumns))
	for i, c := range exampleColumns {
		head[i] = c
	}
	rows := [][]any{head}
	for _, c := range courses {
		terbit := "ya"
		if !c.Published {
			terbit = "tidak"
		}
		for _, b := range c.Batches {
			loc := b.Start.Location()
			rows = append(rows, []any{c.Code, c.Title, c.Category, c.Method, c.JP, c.Description, c.Audience, terbit,
				b.Name, wallClock(b.Start.In(loc)), wallClock(b.End.In(loc)), zoneAbbr[b.TimeZone], b.Location,
				b.OnlineURL, b.Quota, wallClock(b.RegOpens.In(loc)), wallClock(b.RegCloses.In(loc)), strings.Join(b.Trainers, "; "),
				b.Notes, b.ContactName, asn.FormatPhone(phoneOf(b.ContactWA))})
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return nil, err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(exampleColumns), 1)
	if err := f.SetCellStyle(sheet, "A1", last, bold); err != nil {
		return nil, err
	}
	for i, c := range exampleColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		width := 14.0
		switch {
		case dateColumns[c]:
			width = 17
			if err := f.SetCellStyle(sheet, col+"2", col+strconv.Itoa(len(rows)), dateStyle); err != nil {
				return nil, err
			}
		case c == "judul" || c == "deskripsi" || c == "sasaran" || c == "lokasi" || c == "tautan_daring" || c == "pengajar" || c == "catatan":
			width = 40
		}
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
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

// phoneOf is a stored WhatsApp number ("6281…") in the form FormatPhone reads; "" stays "".
func phoneOf(digits string) string {
	if digits == "" {
		return ""
	}
	return "+" + digits
}
