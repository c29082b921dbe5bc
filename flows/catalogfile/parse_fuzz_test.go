package catalogfile

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// The catalogue reader takes files from admins' phones and laptops: whatever bytes come, it
// must answer with courses or with problems an admin can read, never both, never panic, and
// the same each time. go test replays testdata/fuzz; go test -fuzz explores further.

// checkParse parses data as name and checks what any answer must hold.
func checkParse(t *testing.T, texts map[string]string, name string, data []byte) {
	courses, problems := Parse(context.Background(), name, data, wib)
	if len(courses) > 0 && len(problems) > 0 {
		t.Fatalf("%d courses and %d problems: a file is imported whole or refused", len(courses), len(problems))
	}
	if len(courses) == 0 && len(problems) == 0 {
		t.Fatal("neither courses nor problems")
	}
	if len(problems) > MaxProblems {
		t.Errorf("%d problems, more than MaxProblems", len(problems))
	}
	for _, p := range problems {
		text, ok := texts[p.Key]
		if !ok {
			t.Fatalf("problem %s has no text", p.Key)
		}
		if _, err := render(p.Key, text, p.Args); err != nil {
			t.Fatalf("problem %s does not render: %v", p.Key, err)
		}
	}
	codes := map[string]bool{}
	for _, c := range courses {
		if c.Code == "" || c.Title == "" || c.JP <= 0 || len(c.Batches) == 0 || codes[c.Code] {
			t.Fatalf("course accepted without what it needs, or twice: %+v", c)
		}
		codes[c.Code] = true
		for _, b := range c.Batches {
			if !b.Start.Before(b.End) || b.Quota <= 0 || b.RegCloses.Before(b.RegOpens) || b.TimeZone == "" {
				t.Fatalf("batch accepted with impossible values: %+v", b)
			}
		}
	}
	again, againProblems := Parse(context.Background(), name, data, wib)
	if diff := cmp.Diff(courses, again); diff != "" || !cmp.Equal(problems, againProblems) {
		t.Fatalf("two reads of one file differ:\n%s", diff)
	}
}

func FuzzParseCSV(f *testing.F) {
	for _, tc := range problemCases(f) {
		if strings.HasSuffix(tc.file, ".csv") && len(tc.data) < 64<<10 {
			f.Add(tc.data)
		}
	}
	f.Add(csvOf(validRow(), validRow("angkatan", "Angkatan II", "zona", "WITA")))
	f.Add([]byte("\uFEFFkode;judul\r\n\"a;b\";\"c\"\"d\"\r\n"))
	texts := localeTexts(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, texts, "katalog.csv", data) })
}

func FuzzParseYAML(f *testing.F) {
	for _, tc := range problemCases(f) {
		if strings.HasSuffix(tc.file, ".yaml") || strings.HasSuffix(tc.file, ".yml") {
			if len(tc.data) < 64<<10 {
				f.Add(tc.data)
			}
		}
	}
	f.Add(yamlOf(yamlHead, yamlBatch))
	f.Add([]byte("pelatihan:\n  - &a {kode: A}\n  - *a\n"))
	texts := localeTexts(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, texts, "katalog.yaml", data) })
}

// FuzzParseXLSX fuzzes the cells of a workbook rather than its zip bytes (which a mutator
// would only break): a header and two rows of tab-separated cells, each cell a number cell
// when it reads as one, written by excelize as Excel would.
func FuzzParseXLSX(f *testing.F) {
	header := strings.Join(testColumns, "\t")
	row := func(r map[string]string) string {
		cells := make([]string, len(testColumns))
		for i, c := range testColumns {
			cells[i] = r[c]
		}
		return strings.Join(cells, "\t")
	}
	f.Add(header, row(validRow()), row(validRow("angkatan", "Angkatan II")), false)
	f.Add(header, row(validRow("mulai", "46034.5", "jp", "1e3")), "", true)
	f.Add("kode\tjudul", "A\t\t\t\t\t\t\tx", "", false)
	texts := localeTexts(f)
	f.Fuzz(func(t *testing.T, header, row1, row2 string, numbers bool) {
		file := excelize.NewFile()
		defer file.Close()
		for i, line := range []string{header, row1, row2} {
			cells := strings.Split(line, "\t")
			if len(cells) > MaxColumns+2 {
				cells = cells[:MaxColumns+2]
			}
			for j, c := range cells {
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				var err error
				if n, perr := strconv.ParseFloat(c, 64); perr == nil && numbers {
					err = file.SetCellFloat("Sheet1", name, n, -1, 64)
				} else {
					err = file.SetCellStr("Sheet1", name, c)
				}
				if err != nil {
					t.Skip("excelize does not write this cell") // not what is under test
				}
			}
		}
		buf, err := file.WriteToBuffer()
		if err != nil {
			t.Skip("excelize does not write this workbook")
		}
		checkParse(t, texts, "katalog.xlsx", buf.Bytes())
	})
}
