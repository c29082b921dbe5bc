package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bpsdm/asnbot/flows/survey"
)

// The evaluation a participant answers: one question per message, edited in place, every
// answer saved in Postgres as it is given. Buttons carry the enrolment and the question they
// answer ("v:a:<enrolment>:<question>:<value>"), so an old or doubled tap is recognised and
// a survey can be taken up again days later, from /survei or the invitation.

const (
	flowSurvey = "survei"
	stepAnswer = "answer"
)

// surveys answers /survei and the menu's "Survei": the surveys waiting for this participant.
func (c *conv) surveys(edit bool) error {
	list, err := c.e.store.PendingSurveys(c.ctx, c.p.ID, c.e.now())
	if err != nil {
		return fmt.Errorf("pending surveys: %w", err)
	}
	if len(list) == 0 {
		c.say(Reply{Edit: edit, Text: T("survei.kosong"), Buttons: [][]Button{{homeButton()}}})
		return nil
	}
	var lines []Text
	var rows [][]Button
	for _, p := range list {
		e, z := p.Enrolment, p.Enrolment.Batch.Zone()
		lines = append(lines, T("survei.daftar_baris", "Title", e.Course.Title, "Batch", e.Batch.Name,
			"Answered", p.Answered, "Total", len(p.Survey.Items()), "Closes", p.Survey.ClosesAt.In(z)))
		rows = append(rows, []Button{{Label: T("survei.tombol_isi", "Title", cutRunes(e.Course.Title, 24)), Data: cb(nsSurvey, "o", e.ID)}})
	}
	rows = append(rows, []Button{homeButton()})
	c.say(Reply{Edit: edit, Text: T("survei.daftar_judul"), Parts: []Text{joinLines(lines)}, Buttons: rows})
	return nil
}

func (c *conv) surveysCommand() error  { return c.surveys(false) }
func (c *conv) surveysFromMenu() error { return c.surveys(true) }

// answering is one survey being answered, loaded for one input.
type answering struct {
	Turn
	items []survey.Item
}

func (a answering) item() (survey.Item, bool) {
	if p := a.Progress.Position; p >= 0 && p < len(a.items) {
		return a.items[p], true
	}
	return survey.Item{}, false
}

// takeUp loads the survey of an enrolment for an answer; ok is false when the input was
// answered instead (not theirs, not open, closed, submitted).
func (c *conv) takeUp(enrolmentID int64) (a answering, ok bool, err error) {
	t, err := c.e.store.Turn(c.ctx, c.p.ID, enrolmentID)
	if errors.Is(err, ErrNotFound) {
		return a, false, c.expired()
	}
	if err != nil {
		return a, false, fmt.Errorf("survey turn: %w", err)
	}
	a.Turn = t
	e, now := t.Enrolment, c.e.now()
	var text Text
	switch {
	case t.Survey == nil || !holdsSeat(e) || e.Batch.Status == BatchCancelled:
		text = T("survei.belum_dibuka", "Title", e.Course.Title, "Batch", e.Batch.Name)
	case t.Submitted:
		text = T("survei.sudah_dikirim", "Title", e.Course.Title, "Batch", e.Batch.Name)
	case !t.Survey.Open(now):
		text = T("survei.ditutup", "Title", e.Course.Title, "Batch", e.Batch.Name, "Closed", t.Survey.ClosesAt.In(e.Batch.Zone()))
	default:
		a.items = t.Survey.Items()
		c.set(State{Flow: flowSurvey, Step: stepAnswer, Answering: e.ID})
		return a, true, nil
	}
	if c.st.Flow == flowSurvey {
		c.clear()
	}
	c.say(Reply{Edit: c.callback(), Text: text, Buttons: [][]Button{{Btn("survei.lainnya", cb(nsMenu, "survei")), homeButton()}}})
	return a, false, nil
}

// onQuestion loads the survey a button names and checks the button belongs to the question
// being asked; an older one is told so and shown the current question. At the summary only
// "Kembali" belongs (backButton checks it apart).
func (c *conv) onQuestion() (a answering, ok bool, err error) {
	a, ok, err = c.onPosition()
	if _, asked := a.item(); ok && !asked {
		return a, false, c.expired()
	}
	return a, ok, err
}

// onPosition is onQuestion, the summary included.
func (c *conv) onPosition() (a answering, ok bool, err error) {
	pos, perr := strconv.Atoi(c.data.arg(1))
	if perr != nil {
		return a, false, c.expired()
	}
	if a, ok, err = c.takeUpPressed(); !ok {
		return a, false, err
	}
	if pos != a.Progress.Position {
		c.toast(T("survei.tombol_lama"))
		c.say(c.question(a, true))
		return a, false, nil
	}
	return a, true, nil
}

// takeUpPressed is takeUp for the enrolment a button names first.
func (c *conv) takeUpPressed() (answering, bool, error) {
	id, valid := c.data.id(0)
	if !valid {
		return answering{}, false, c.expired()
	}
	return c.takeUp(id)
}

// openSurvey shows where a participant is in a survey ("v:o:<enrolment>").
func (c *conv) openSurvey() error {
	a, ok, err := c.takeUpPressed()
	if !ok {
		return err
	}
	c.say(c.question(a, true))
	return nil
}

// answerButton takes a point, a score or a choice ("v:a:<enrolment>:<question>:<value>").
func (c *conv) answerButton() error {
	a, ok, err := c.onQuestion()
	if !ok {
		return err
	}
	it, _ := a.item()
	n, err := strconv.Atoi(c.data.arg(2))
	ans := survey.Answer{N: n}
	if err != nil || it.Question.Kind == survey.Multi || it.Question.Kind == survey.Text || !it.Question.Valid(ans) {
		return c.expired()
	}
	return c.saveAndGo(a, it.Key, ans, a.Progress.Position+1, true)
}

// toggleButton ticks or unticks an option of a multiple choice ("v:t:…:<option>").
func (c *conv) toggleButton() error {
	a, ok, err := c.onQuestion()
	if !ok {
		return err
	}
	it, _ := a.item()
	i, err := strconv.Atoi(c.data.arg(2))
	if err != nil || it.Question.Kind != survey.Multi || i < 0 || i >= len(it.Question.Options) {
		return c.expired()
	}
	prev := a.Progress.Answers[it.Key]
	set := make([]int, 0, len(prev.Set)+1)
	found := false
	for _, j := range prev.Set {
		if j == i {
			found = true
			continue
		}
		set = append(set, j)
	}
	if !found {
		set = append(set, i)
	}
	return c.saveAndGo(a, it.Key, survey.Answer{Set: set}, a.Progress.Position, true)
}

// nextButton goes on from a multiple choice ("v:n:…").
func (c *conv) nextButton() error {
	a, ok, err := c.onQuestion()
	if !ok {
		return err
	}
	it, _ := a.item()
	ans, given := a.Progress.Answers[it.Key]
	if it.Question.Kind != survey.Multi {
		return c.expired()
	}
	if !given || !it.Question.Valid(ans) {
		c.toast(T("survei.pilih_minimal_satu"))
		return nil
	}
	return c.saveAndGo(a, "", survey.Answer{}, a.Progress.Position+1, true)
}

// skipButton passes over an optional question ("v:s:…").
func (c *conv) skipButton() error {
	a, ok, err := c.onQuestion()
	if !ok {
		return err
	}
	it, _ := a.item()
	if it.Question.Required {
		return c.expired()
	}
	return c.saveAndGo(a, it.Key, survey.Answer{Skipped: true}, a.Progress.Position+1, true)
}

// backButton goes to the previous question, to change its answer ("v:b:…"), from a question
// or from the summary.
func (c *conv) backButton() error {
	a, ok, err := c.onPosition()
	if !ok {
		return err
	}
	if a.Progress.Position == 0 {
		return c.expired()
	}
	return c.saveAndGo(a, "", survey.Answer{}, a.Progress.Position-1, true)
}

// surveyText takes a typed answer to a free-text question; anywhere else it says a button is
// expected and asks again.
func (c *conv) surveyText() error {
	a, ok, err := c.takeUp(c.st.Answering)
	if !ok {
		return err
	}
	it, asked := a.item()
	if !asked || it.Question.Kind != survey.Text || c.in.Kind != KindText {
		c.say(Reply{Text: T("survei.pakai_tombol")})
		c.say(c.question(a, false))
		return nil
	}
	text := strings.TrimSpace(c.in.Text)
	if n := utf8.RuneCountInString(text); n > it.Question.MaxLen {
		c.say(Reply{Text: T("survei.teks_panjang", "Max", it.Question.MaxLen, "Length", n)})
		c.say(c.question(a, false))
		return nil
	}
	ans := survey.Answer{Text: text}
	if text == "" {
		ans = survey.Answer{Skipped: true}
		if it.Question.Required {
			c.say(c.question(a, false))
			return nil
		}
	}
	return c.saveAndGo(a, it.Key, ans, a.Progress.Position+1, false)
}

// saveAndGo stores an answer (key "" stores none) and the question to ask next, then asks it.
func (c *conv) saveAndGo(a answering, key string, ans survey.Answer, next int, edit bool) error {
	if err := c.e.store.SaveAnswer(c.ctx, a.Enrolment.ID, a.Survey.ID, key, ans, next); err != nil {
		return fmt.Errorf("save answer: %w", err)
	}
	if key != "" {
		if a.Progress.Answers == nil {
			a.Progress.Answers = survey.Answers{}
		}
		a.Progress.Answers[key] = ans
	}
	a.Progress.Position = next
	c.say(c.question(a, edit))
	return nil
}

// submitButton sends the answers ("v:k:<enrolment>"): once.
func (c *conv) submitButton() error {
	a, ok, err := c.takeUpPressed()
	if !ok {
		return err
	}
	if a.Progress.Position < len(a.items) {
		c.toast(T("survei.tombol_lama"))
		c.say(c.question(a, true))
		return nil
	}
	err = c.e.store.Submit(c.ctx, a.Enrolment.ID, c.e.now())
	key := "survei.terima_kasih"
	switch {
	case errors.Is(err, ErrSubmitted):
		key = "survei.sudah_dikirim"
	case err != nil:
		return fmt.Errorf("submit survey: %w", err)
	}
	c.clear()
	r := Reply{Edit: true, Text: T(key, "Title", a.Enrolment.Course.Title, "Batch", a.Enrolment.Batch.Name),
		Buttons: [][]Button{{homeButton()}}}
	if err == nil && a.Enrolment.Status == Completed {
		r.Parts = []Text{T("sertifikat.segera")} // Submit planned its certificate
	}
	c.say(r)
	return nil
}
