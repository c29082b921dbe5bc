package document

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet of a workbook: rows of cells (text, or numbers Excel can compute with),
// the first row a header that stays in view.
type Sheet struct {
	Name  string // "" for the first sheet's default name
	Rows  [][]any
	Chart *Chart
}

// Chart is a native Excel bar chart of one of a sheet's columns, labelled by another, placed
// beside the table.
type Chart struct {
	Title            string
	LabelCol, ValCol int // 1-based columns
	Max              float64
}

// Workbook writes the sheets as an XLSX file.
func Workbook(sheets ...Sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	first := f.GetSheetName(0)
	for i, sh := range sheets {
		name := sh.Name
		switch {
		case i == 0 && name == "":
			name = first
		case i == 0:
			if err := f.SetSheetName(first, name); err != nil {
				return nil, fmt.Errorf("xlsx sheet %s: %w", name, err)
			}
		default:
			if _, err := f.NewSheet(name); err != nil {
				return nil, fmt.Errorf("xlsx sheet %s: %w", name, err)
			}
		}
		if err := writeSheet(f, name, sh); err != nil {
			return nil, fmt.Errorf("xlsx sheet %s: %w", name, err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

func writeSheet(f *excelize.File, name string, sh Sheet) error {
	for i, row := range sh.Rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(name, cell, &row); err != nil {
			return err
		}
	}
	err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	if err != nil || sh.Chart == nil || len(sh.Rows) < 2 {
		return err
	}
	c := sh.Chart
	col := func(n int) string { s, _ := excelize.ColumnNumberToName(n); return s }
	last := len(sh.Rows)
	ref := func(n int) string { return fmt.Sprintf("'%s'!$%s$2:$%s$%d", name, col(n), col(n), last) }
	anchor, _ := excelize.CoordinatesToCellName(len(sh.Rows[0])+2, 2)
	return f.AddChart(name, anchor, &excelize.Chart{
		Type:   excelize.Bar,
		Series: []excelize.ChartSeries{{Name: c.Title, Categories: ref(c.LabelCol), Values: ref(c.ValCol)}},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title}}},
		XAxis:  excelize.ChartAxis{ReverseOrder: true},
		YAxis:  excelize.ChartAxis{Maximum: &c.Max, Minimum: ptr(0.0)},
		Legend: excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{
			Width: 640, Height: uint(120 + 22*last),
		},
	})
}

func ptr[T any](v T) *T { return &v }
