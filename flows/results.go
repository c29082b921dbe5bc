package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/document"
	"github.com/bpsdm/asnbot/flows/survey"
)

// /hasil: what an agency reports of a batch's evaluation, the same afternoon: the figures in
// a message, a chart, and the spreadsheets.

// maxCommentsShown bounds the suggestions quoted in the message; the files have all.
const maxCommentsShown = 5

// results answers /hasil <kode> (a picker of the course's batches) and /hasil ikm <from> <to>.
func (c *conv) results() error {
	args := strings.Fields(c.in.Text)
	if len(args) > 0 && strings.EqualFold(args[0], "ikm") {
		return c.ikmRecap(args[1:])
	}
	code := ""
	if len(args) > 0 {
		code = args[0]
	}
	course, batches, _, ok, err := c.adminCourse(code, "hasil.cara")
	if !ok {
		return err
	}
	if len(batches) == 1 {
		return c.report(course, batches, batches[0].ID, false)
	}
	rows := append([][]Button{{Btn("hasil.semua_angkatan", cb(nsResults, "b", course.Code, 0))}},
		batchChoices(batches, func(b Batch) string { return cb(nsResults, "b", course.Code, b.ID) })...)
	c.say(Reply{Text: T("hasil.pilih_angkatan", "Title", course.Title), Buttons: rows})
	return nil
}

// resultsOf shows the results a picker's button names ("h:b:<kode>:<batch or 0>").
func (c *conv) resultsOf() error {
	batchID, err := strconv.ParseInt(c.data.arg(1), 10, 64)
	if err != nil {
		return c.expired()
	}
	course, batches, _, ok, err := c.adminCourse(c.data.arg(0), "hasil.cara")
	if !ok {
		return err
	}
	return c.report(course, batches, batchID, true)
}

// report sends the results of one batch (or, with batchID 0, of all): the message, the chart,
// the workbook and the raw answers.
func (c *conv) report(course Course, batches []Batch, batchID int64, edit bool) error {
	scope := T("hasil.semua_angkatan")
	if batchID != 0 {
		scope = Text{}
		for _, b := range batches {
			if b.ID == batchID {
				scope = Raw(b.Name)
			}
		}
		if scope.IsZero() {
			return c.expired()
		}
	}
	parts, err := c.e.store.Results(c.ctx, course.ID, batchID)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if len(parts) == 0 {
		c.say(Reply{Edit: edit, Text: T("hasil.belum_ada", "Title", course.Title, "Scope", scope)})
		return nil
	}
	rep := survey.Summarize(parts)
	c.say(Reply{Edit: edit, Text: T("hasil.judul", "Title", course.Title, "Code", course.Code, "Scope", scope,
		"Submitted", rep.Submitted, "Invited", rep.Invited, "Rate", document.Decimal(rep.ResponseRate())), Parts: reportParts(rep)})
	if rep.Submitted == 0 {
		return nil
	}
	if png, err := document.ChartPNG(chartOf(rep)...); err == nil {
		c.say(Reply{Photo: &File{Name: "hasil-" + course.Code + ".png", Content: png, Caption: T("hasil.grafik")}})
	}
	raw, err := c.e.store.RawResponses(c.ctx, course.ID, batchID)
	if err != nil {
		return fmt.Errorf("raw responses: %w", err)
	}
	table := rawTable(raw)
	xlsx, err := document.Workbook(reportSheets(rep, table)...)
	if err != nil {
		return fmt.Errorf("results workbook: %w", err)
	}
	name := "hasil-" + course.Code + "-" + c.e.now().In(c.e.zone).Format("20060102-1504")
	if err := c.auditExport(name, len(raw)); err != nil {
		return err
	}
	c.say(Reply{File: &File{Name: name + ".xlsx", Content: xlsx, Caption: T("hasil.berkas_xlsx")}})
	c.say(Reply{File: &File{Name: name + "-jawaban.csv", Content: table.CSV(), Caption: T("hasil.berkas_csv")}})
	return nil
}

// reportParts are the message's paragraphs after its heading.
func reportParts(rep survey.Report) []Text {
	var out []Text
	if rep.IKM.Grade != "" {
		out = append(out, T("hasil.ikm", "Index", document.Decimal(rep.IKM.Index), "Grade", rep.IKM.Grade,
			"Label", T("hasil.mutu."+rep.IKM.Grade)))
	}
	if rep.Recommend.N > 0 {
		out = append(out, T("hasil.nps", "Score", fmt.Sprintf("%+d", rep.Recommend.Score), "N", rep.Recommend.N,
			"Promoters", rep.Recommend.Promoters, "Detractors", rep.Recommend.Detractors))
	}
	var lines []Text
	for _, s := range rep.Questions {
		switch s.Kind {
		case survey.Scale:
			lines = append(lines, T("hasil.baris_skala", "Text", cutRunes(s.Text, 48), "Mean", document.Decimal(s.Mean),
				"Max", s.Hi, "Dist", counts(s.Counts), "N", s.N))
		case survey.Choice, survey.Multi:
			var opts []string
			for i, o := range s.Options {
				opts = append(opts, fmt.Sprintf("%s %d", cutRunes(o, 24), s.Counts[i]))
			}
			lines = append(lines, T("hasil.baris_pilihan", "Text", cutRunes(s.Text, 48), "Options", strings.Join(opts, " · "), "N", s.N))
		}
	}
	if len(lines) > 0 {
		out = append(out, T("hasil.pertanyaan", "Lines", lines))
	}
	lines = nil
	for _, t := range rep.Trainers {
		lines = append(lines, T("hasil.baris_pengajar", "Name", t.Name, "Mean", document.Decimal(t.Mean), "N", t.N))
	}
	if len(lines) > 0 {
		out = append(out, T("hasil.pengajar", "Lines", lines))
	}
	lines = nil
	for i, s := range rep.Comments {
		if i == maxCommentsShown {
			break
		}
		lines = append(lines, T("hasil.baris_saran", "Text", cutRunes(s, 160)))
	}
	if len(lines) > 0 {
		out = append(out, T("hasil.saran", "Lines", lines, "Count", len(rep.Comments)))
	}
	return out
}

// counts writes a distribution as "0/1/5/12", the lowest point first.
func counts(c []int) string {
	s := make([]string, len(c))
	for i, n := range c {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, "/")
}

// chartOf is the chart's data: the scale questions' means, then each trainer's.
func chartOf(rep survey.Report) []document.Bars {
	var qs, ts document.Bars
	for _, s := range rep.Questions {
		if s.Kind == survey.Scale {
			qs.Labels, qs.Values, qs.Max = append(qs.Labels, cutRunes(s.Text, 34)), append(qs.Values, s.Mean), max(qs.Max, float64(s.Hi))
		}
	}
	for _, t := range rep.Trainers {
		ts.Labels, ts.Values, ts.Max = append(ts.Labels, cutRunes(t.Name, 34)), append(ts.Values, t.Mean), 4
	}
	return []document.Bars{qs, ts}
}

// ikmRecap answers /hasil ikm 2027-01 2027-03: the IKM of every survey opened in those months.
func (c *conv) ikmRecap(args []string) error {
	from, to, ok := monthRange(args, c.e.zone)
	if !ok {
		c.say(Reply{Text: T("hasil.ikm_cara")})
		return nil
	}
	parts, err := c.e.store.IKMParts(c.ctx, from, to)
	if err != nil {
		return fmt.Errorf("ikm parts: %w", err)
	}
	rep := survey.Summarize(parts)
	period := T("hasil.periode", "From", dateOnly(from), "To", dateOnly(to.AddDate(0, 0, -1)))
	if rep.IKM.Grade == "" {
		c.say(Reply{Text: T("hasil.ikm_kosong", "Period", period)})
		return nil
	}
	var lines []Text
	rows := [][]any{{"unsur", "rata_rata", "n"}}
	for _, e := range rep.IKM.Elements {
		lines = append(lines, T("hasil.ikm_baris", "Element", T("hasil.unsur."+e.Name), "Mean", document.Decimal(e.Mean), "N", e.N))
		rows = append(rows, []any{e.Name, e.Mean, e.N})
	}
	rows = append(rows, []any{"ikm", rep.IKM.Index, rep.Submitted}, []any{"mutu", rep.IKM.Grade, ""})
	c.say(Reply{Text: T("hasil.ikm_rekap", "Period", period, "Surveys", len(parts), "Submitted", rep.Submitted,
		"Index", document.Decimal(rep.IKM.Index), "Grade", rep.IKM.Grade, "Label", T("hasil.mutu."+rep.IKM.Grade)),
		Parts: []Text{joinLines(lines)}})
	xlsx, err := document.Workbook(document.Sheet{Name: "ikm", Rows: rows})
	if err != nil {
		return fmt.Errorf("ikm workbook: %w", err)
	}
	name := "ikm-" + from.Format("200601") + "-" + to.AddDate(0, 0, -1).Format("200601") + ".xlsx"
	if err := c.auditExport(name, len(parts)); err != nil {
		return err
	}
	c.say(Reply{File: &File{Name: name, Content: xlsx, Caption: T("hasil.berkas_ikm")}})
	return nil
}

// monthRange reads "2027-01 2027-03" (or one month) as [the first day, the day after the last
// month) in loc.
func monthRange(args []string, loc *time.Location) (from, to time.Time, ok bool) {
	if len(args) == 0 || len(args) > 2 {
		return from, to, false
	}
	first, err1 := time.ParseInLocation("2006-01", args[0], loc)
	last, err2 := first, error(nil)
	if len(args) == 2 {
		last, err2 = time.ParseInLocation("2006-01", args[1], loc)
	}
	if err1 != nil || err2 != nil || last.Before(first) {
		return from, to, false
	}
	return first, last.AddDate(0, 1, 0), true
}
