package flows

import (
	"slices"
	"strconv"

	"github.com/bpsdm/asnbot/flows/survey"
)

// question is the message that asks the survey's current question, with its buttons and the
// answer given before (when the participant came back to it), or the summary once every
// question is answered.
func (c *conv) question(a answering, edit bool) Reply {
	it, asked := a.item()
	if !asked {
		return c.summary(a, edit)
	}
	q, e, pos := it.Question, a.Enrolment, a.Progress.Position
	prev, answered := a.Progress.Answers[it.Key]
	data := func(action string, args ...any) string {
		return cb(nsSurvey, action, append([]any{e.ID, pos}, args...)...)
	}
	var rows [][]Button
	var hint Text
	lo, hi := q.Range()
	switch q.Kind {
	case survey.Scale:
		hint = T("survei.petunjuk_skala", "Low", q.Low, "High", q.High, "Max", hi)
		rows = [][]Button{points(lo, hi, prev, answered, data)}
	case survey.Recommend:
		hint = T("survei.petunjuk_rekomendasi")
		row := points(lo, hi, prev, answered, data)
		rows = [][]Button{row[:6], row[6:]}
	case survey.Choice:
		for i, o := range q.Options {
			rows = append(rows, []Button{{Label: mark(answered && !prev.Skipped && prev.N == i, o), Data: data("a", i)}})
		}
	case survey.Multi:
		hint = T("survei.petunjuk_ganda")
		for i, o := range q.Options {
			label := T("survei.opsi_tidak", "Option", o)
			if slices.Contains(prev.Set, i) {
				label = T("survei.opsi_ya", "Option", o)
			}
			rows = append(rows, []Button{{Label: label, Data: data("t", i)}})
		}
		rows = append(rows, []Button{Btn("survei.lanjut", data("n"))})
	case survey.Text:
		hint = T("survei.petunjuk_teks", "Max", q.MaxLen)
	}
	var nav []Button
	if pos > 0 {
		nav = append(nav, Btn("survei.kembali", data("b")))
	}
	if !q.Required {
		nav = append(nav, Btn("survei.lewati", data("s")))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	parts := []Text{T("survei.pertanyaan", "Question", it.Text(), "Optional", !q.Required)}
	if !hint.IsZero() {
		parts = append(parts, hint)
	}
	if answered && q.Kind == survey.Text && !prev.Skipped {
		parts = append(parts, T("survei.jawaban_tadi", "Answer", prev.Text))
	}
	return Reply{Edit: edit, Buttons: rows, Parts: parts,
		Text: T("survei.kepala", "Title", e.Course.Title, "Batch", e.Batch.Name, "N", pos+1, "Total", len(a.items),
			"Section", it.Section, "Trainer", it.Trainer)}
}

// points is a row of buttons for each point from lo to hi, the one answered before ticked.
func points(lo, hi int, prev survey.Answer, answered bool, data func(string, ...any) string) []Button {
	row := make([]Button, 0, hi-lo+1)
	for n := lo; n <= hi; n++ {
		row = append(row, Button{Label: mark(answered && !prev.Skipped && prev.N == n, strconv.Itoa(n)), Data: data("a", n)})
	}
	return row
}

// mark ticks the label of the answer given before.
func mark(chosen bool, label string) Text {
	if chosen {
		return T("survei.pilihan_tadi", "Label", label)
	}
	return Raw(label)
}

// summary asks to send the answers, saying how many were given and passed over.
func (c *conv) summary(a answering, edit bool) Reply {
	given, skipped := 0, 0
	for _, it := range a.items {
		if ans, ok := a.Progress.Answers[it.Key]; ok {
			if ans.Skipped {
				skipped++
			} else {
				given++
			}
		}
	}
	e := a.Enrolment
	return Reply{Edit: edit,
		Text: T("survei.ringkasan", "Title", e.Course.Title, "Batch", e.Batch.Name, "Answered", given, "Skipped", skipped,
			"Total", len(a.items), "Anonymous", a.Survey.Template.Anonymous),
		Buttons: [][]Button{
			{Btn("survei.kirim", cb(nsSurvey, "k", e.ID))},
			{Btn("survei.kembali", cb(nsSurvey, "b", e.ID, len(a.items)))},
		}}
}
