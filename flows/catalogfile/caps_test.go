package catalogfile

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsxFarCell is a workbook with the catalogue's header and, in each of rows rows below it,
// one cell at column XFD (the last one Excel has): about 12 KB for 2,000 rows, the file a
// security review used to make the bot take 2.4 GB, padding every row to XFD. The sheet's
// XML is written here: excelize itself pads the rows it writes.
func xlsxFarCell(t testing.TB, rows int) []byte {
	t.Helper()
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">`)
	for i, h := range headerCells() {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, cell, h)
	}
	sheet.WriteString(`</row>`)
	for r := 2; r < rows+2; r++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, r, r)
	}
	sheet.WriteString(`</sheetData></worksheet>`)

	// Every part of an empty workbook, but its sheet.
	empty := xlsxOf(t, nil)
	zr, err := zip.NewReader(bytes.NewReader(empty), int64(len(empty)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			_, err = io.WriteString(w, sheet.String())
		} else {
			var r io.ReadCloser
			if r, err = f.Open(); err == nil {
				_, err = io.Copy(w, r)
				r.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// allocated is the bytes allocated while fn runs (all goroutines: run it alone).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHostileFilesAreRefusedCheaply reads the files a review made the bot spend gigabytes
// on: each is refused with its cap's problem, allocating a bounded amount on the way. Not
// parallel: it measures the process's allocations.
func TestHostileFilesAreRefusedCheaply(t *testing.T) {
	cases := []struct {
		name, file string
		data       []byte
		want       string
		maxAlloc   uint64
	}{
		{"2,000 rows with a cell at XFD", "katalog.xlsx", xlsxFarCell(t, 2000), "impor.terlalu_banyak_kolom", 64 << 20},
		{"5 MB of one-letter rows", "katalog.csv", bytes.Repeat([]byte("a\n"), MaxFileSize/2), "impor.terlalu_banyak_baris", 64 << 20},
		{"5 MB of YAML items", "katalog.yaml", []byte("pelatihan: [" + strings.Repeat("a,", MaxFileSize/2-10) + "a]"), "impor.yaml_terlalu_banyak", 64 << 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var problems []Problem
			n := allocated(func() { _, problems = Parse(context.Background(), tc.file, tc.data, wib) })
			if len(problems) != 1 || problems[0].Key != tc.want {
				t.Errorf("problems %+v, want one %s", problems, tc.want)
			}
			if n > tc.maxAlloc {
				t.Errorf("allocated %d MB reading a %d KB file, want at most %d MB", n>>20, len(tc.data)>>10, tc.maxAlloc>>20)
			}
			t.Logf("%d KB file: %d MB allocated", len(tc.data)>>10, n>>20)
		})
	}
}

// TestCapsLeaveRoomForARealCatalogue checks the caps refuse nothing a real catalogue holds:
// MaxRows-1 batches (the header is a row) in CSV, XLSX and YAML.
func TestCapsLeaveRoomForARealCatalogue(t *testing.T) {
	t.Parallel()
	rows := make([]map[string]string, MaxRows-1)
	for i := range rows {
		rows[i] = validRow("kode", "K-"+strconv.Itoa(i))
	}
	if got := mustParse(t, "k.csv", csvOf(rows...), wib); len(got) != MaxRows-1 {
		t.Errorf("csv: %d courses, want %d", len(got), MaxRows-1)
	}
	cells := [][]any{headerCells()}
	for _, r := range rows {
		cells = append(cells, xlsxRow(r, wib))
	}
	if got := mustParse(t, "k.xlsx", xlsxOf(t, cells), wib); len(got) != MaxRows-1 {
		t.Errorf("xlsx: %d courses, want %d", len(got), MaxRows-1)
	}
	var lines []string
	for i := range MaxRows - 1 {
		lines = append(lines, "  - kode: K-"+strconv.Itoa(i))
		lines = append(lines, yamlHead[1:]...)
		lines = append(lines, yamlBatch...)
	}
	if got := mustParse(t, "k.yaml", yamlOf(lines), wib); len(got) != MaxRows-1 {
		t.Errorf("yaml: %d courses, want %d", len(got), MaxRows-1)
	}
}
