package flows

import (
	"strconv"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/document"
	"github.com/bpsdm/asnbot/flows/survey"
)

// reportSheets is the results workbook: the figures, one sheet each, then the raw answers.
// Headers are snake_case, like the catalogue's and the roster's columns.
func reportSheets(rep survey.Report, raw document.Table) []document.Sheet {
	summary := [][]any{{"ukuran", "nilai"},
		{"diundang", rep.Invited}, {"responden", rep.Submitted}, {"tingkat_respons_persen", rep.ResponseRate()}}
	if rep.IKM.Grade != "" {
		summary = append(summary, []any{"ikm", rep.IKM.Index}, []any{"mutu_ikm", rep.IKM.Grade})
	}
	if rep.Recommend.N > 0 {
		summary = append(summary, []any{"nps", rep.Recommend.Score}, []any{"nps_n", rep.Recommend.N},
			[]any{"promotor", rep.Recommend.Promoters}, []any{"pasif", rep.Recommend.Passives},
			[]any{"kritikus", rep.Recommend.Detractors})
	}
	questions := [][]any{{"pertanyaan", "kode", "jenis", "rata_rata", "n", "sebaran"}}
	for _, s := range rep.Questions {
		if s.Kind == survey.Text {
			continue
		}
		var mean any = ""
		if s.Kind == survey.Scale || s.Kind == survey.Recommend {
			mean = s.Mean
		}
		questions = append(questions, []any{s.Text, s.Key, string(s.Kind), mean, s.N, distribution(s)})
	}
	trainers := [][]any{{"pengajar", "butir", "rata_rata", "n"}}
	for _, t := range rep.Trainers {
		trainers = append(trainers, []any{t.Name, "keseluruhan", t.Mean, t.N})
		for _, s := range t.Items {
			trainers = append(trainers, []any{t.Name, s.Text, s.Mean, s.N})
		}
	}
	ikm := [][]any{{"unsur", "rata_rata_1_4", "n"}}
	for _, e := range rep.IKM.Elements {
		ikm = append(ikm, []any{e.Name, e.Mean, e.N})
	}
	comments := [][]any{{"saran"}}
	for _, c := range rep.Comments {
		comments = append(comments, []any{c})
	}
	return []document.Sheet{
		{Name: "ringkasan", Rows: summary},
		{Name: "pertanyaan", Rows: questions, Chart: &document.Chart{Title: "rata_rata", LabelCol: 2, ValCol: 4, Max: 5}},
		{Name: "pengajar", Rows: trainers},
		{Name: "ikm", Rows: ikm},
		{Name: "saran", Rows: comments},
		{Name: "jawaban", Rows: numbers(raw)},
	}
}

// numbers is the raw table for the workbook, with the points and scores as numbers Excel can
// compute with (a NIP, also digits, stays text).
func numbers(t document.Table) [][]any {
	rows := t.Cells()
	for _, row := range rows[1:] {
		for j := range row {
			if !strings.Contains(t.Header[j], ".") {
				continue // not a question's column
			}
			if n, err := strconv.Atoi(row[j].(string)); err == nil {
				row[j] = n
			}
		}
	}
	return rows
}

// distribution writes a question's counts with what they count: "1:0 2:1 3:5 4:12".
func distribution(s survey.Stat) string {
	parts := make([]string, len(s.Counts))
	for i, n := range s.Counts {
		label := ""
		if len(s.Options) > 0 {
			label = s.Options[i]
		} else {
			label = strconv.Itoa(s.Lo + i)
		}
		parts[i] = label + ": " + strconv.Itoa(n)
	}
	return strings.Join(parts, "; ")
}

// rawTable is every submission, a row each: the batch, the day, the participant when the
// template is not anonymous, then an answer per question as its key names it.
func rawTable(rows []RawResponse) document.Table {
	var keys []string
	items := map[string]survey.Item{}
	named := false
	for _, r := range rows {
		named = named || r.Participant != nil
		for _, it := range r.Items {
			if _, seen := items[it.Key]; !seen {
				items[it.Key] = it
				keys = append(keys, it.Key)
			}
		}
	}
	t := document.Table{Header: []string{"angkatan", "tanggal"}}
	if named {
		t.Header = append(t.Header, "nama", "nip")
	}
	t.Header = append(t.Header, keys...)
	for _, r := range rows {
		row := []string{r.Batch, r.SubmittedOn.Format(time.DateOnly)}
		if named {
			name, nip := "", ""
			if r.Participant != nil {
				name, nip = r.Participant.Name, r.Participant.NIP
			}
			row = append(row, name, nip)
		}
		for _, k := range keys {
			row = append(row, answerText(items[k].Question, r.Answers[k]))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// answerText is an answer as the raw export writes it: the point or score, the option chosen,
// the options ticked, the text; nothing when skipped or not asked.
func answerText(q survey.Question, a survey.Answer) string {
	switch {
	case a.Skipped:
		return ""
	case q.Kind == survey.Text:
		return a.Text
	case q.Kind == survey.Choice && a.N < len(q.Options):
		return q.Options[a.N]
	case q.Kind == survey.Multi:
		var opts []string
		for _, i := range a.Set {
			if i < len(q.Options) {
				opts = append(opts, q.Options[i])
			}
		}
		return strings.Join(opts, "; ")
	case q.Kind == survey.Scale || q.Kind == survey.Recommend:
		return strconv.Itoa(a.N)
	}
	return ""
}
