// Package survey is the post-training evaluation: templates of questions (read from the YAML
// an agency writes), the order a participant is asked them in, and the figures an agency
// reports: each question's mean and distribution, each trainer's, the satisfaction index
// (IKM, PermenPANRB 14/2017) and the recommendation score. It does no I/O and shows no text:
// problems are locale keys, like the catalogue file's.
package survey

import (
	"fmt"
	"strings"
)

// Kind is the kind of a question.
type Kind string

// Question kinds, as a template names them.
const (
	Scale     Kind = "skala"         // 1-4 or 1-5, a label at each end, one button per point
	Choice    Kind = "pilihan"       // one of a few options
	Multi     Kind = "pilihan_ganda" // any of a few options, toggled, then "Lanjut"
	Text      Kind = "teks"          // free text, up to a length
	Recommend Kind = "rekomendasi"   // 0-10: would you recommend it to a colleague
)

// IKMElements are the nine elements of the community satisfaction survey (IKM/SKM,
// PermenPANRB 14/2017), in the regulation's order (U1-U9), as a template's `ikm:` names them.
var IKMElements = []string{"persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
	"pengaduan", "sarana"}

// DefaultKey is the template of a course that names none (the shipped one, unless an agency
// loads its own under this id).
const DefaultKey = "evaluasi-penyelenggaraan"

// TrainerPlaceholder in a question of a per-trainer section is replaced by the trainer's name.
const TrainerPlaceholder = "{pengajar}"

// Template is a survey as an agency wrote it.
type Template struct {
	Key       string
	Title     string
	Anonymous bool // answers, once submitted, cannot be joined back to the person
	Sections  []Section
}

// Section is a group of questions; a per-trainer section is asked once for each trainer.
type Section struct {
	ID         string
	Title      string
	PerTrainer bool
	Questions  []Question
}

// Question is one question of a template.
type Question struct {
	ID       string
	Kind     Kind
	Text     string
	Required bool
	IKM      string   // one of IKMElements, for a scale question that counts towards the IKM
	Points   int      // a scale's top point: 4 or 5
	Low      string   // a scale's label at 1
	High     string   // a scale's label at the top
	Options  []string // choices
	MaxLen   int      // free text's limit, in characters
}

// Item is a question as a participant is asked it: a question of a section, for a trainer in
// a per-trainer section.
type Item struct {
	Key      string // names the answer: "<section>.<question>", with "#<n>" for the n-th trainer
	Section  string // the section's title
	Question Question
	Trainer  string // the trainer's name, in a per-trainer section
}

// Text is the question as asked, with the trainer's name in it.
func (it Item) Text() string {
	return strings.ReplaceAll(it.Question.Text, TrainerPlaceholder, it.Trainer)
}

// Items lists the questions in the order they are asked of a batch with these trainers. A
// per-trainer section is asked once per trainer, and not at all for a batch without any.
func (t Template) Items(trainers []string) []Item {
	var out []Item
	for _, s := range t.Sections {
		if !s.PerTrainer {
			for _, q := range s.Questions {
				out = append(out, Item{Key: s.ID + "." + q.ID, Section: s.Title, Question: q})
			}
			continue
		}
		for n, name := range trainers {
			for _, q := range s.Questions {
				out = append(out, Item{Key: fmt.Sprintf("%s.%s#%d", s.ID, q.ID, n+1), Section: s.Title, Question: q, Trainer: name})
			}
		}
	}
	return out
}

// Answer is a participant's answer to one item.
type Answer struct {
	N       int    `json:"n,omitempty"` // a scale point, a 0-10 score, or a choice's index
	Set     []int  `json:"s,omitempty"` // the indexes chosen in a multiple choice
	Text    string `json:"t,omitempty"`
	Skipped bool   `json:"x,omitempty"` // an optional question passed over
}

// Answers are a participant's answers, by item key.
type Answers map[string]Answer

// Range is the lowest and highest answer a scale or score question takes.
func (q Question) Range() (lo, hi int) {
	switch q.Kind {
	case Scale:
		return 1, q.Points
	case Recommend:
		return 0, 10
	case Choice, Multi:
		return 0, len(q.Options) - 1
	}
	return 0, 0
}

// Valid reports whether a is a possible answer to q.
func (q Question) Valid(a Answer) bool {
	if a.Skipped {
		return !q.Required
	}
	lo, hi := q.Range()
	switch q.Kind {
	case Scale, Recommend, Choice:
		return a.N >= lo && a.N <= hi
	case Multi:
		if len(a.Set) == 0 && q.Required {
			return false
		}
		for _, i := range a.Set {
			if i < lo || i > hi {
				return false
			}
		}
		return true
	case Text:
		n := len([]rune(a.Text))
		return n > 0 && n <= q.MaxLen
	}
	return false
}
