package survey

import (
	"math"
	"slices"
)

// Part is one batch's survey in a report: the template version it was asked with, the
// batch's trainers, and the answers submitted, oldest first.
type Part struct {
	Template  Template
	Trainers  []string
	Responses []Answers
	Invited   int // participants who held a seat when the survey opened
}

// Report is what an agency reports of one or more batches' surveys.
type Report struct {
	Invited, Submitted int
	Questions          []Stat // the questions not asked per trainer, in the template's order
	Trainers           []TrainerStat
	IKM                IKM
	Recommend          NPS
	Comments           []string // free-text answers, newest first
}

// ResponseRate is the share of those invited who submitted, 0-100.
func (r Report) ResponseRate() float64 {
	if r.Invited == 0 {
		return 0
	}
	return round2(100 * float64(r.Submitted) / float64(r.Invited))
}

// Stat is one question's answers.
type Stat struct {
	Key     string
	Text    string
	Kind    Kind
	Lo, Hi  int      // the answers' range (scale and recommendation)
	Options []string // a choice's options
	Counts  []int    // answers per point from Lo, or per option
	N       int      // answers (a skipped question is not one)
	Mean    float64  // scale and recommendation
	sum     int
}

// TrainerStat is one trainer's answers across the per-trainer questions.
type TrainerStat struct {
	Name  string
	Items []Stat  // the scale questions about this trainer
	Mean  float64 // over all of them
	N     int
}

// IKM is the satisfaction index: each element's mean on 1-4 (a 1-5 scale mapped linearly onto
// 1-4), averaged with equal weights, times 25.
type IKM struct {
	Elements []Element // the elements asked, in the regulation's order
	Index    float64   // 25-100, two decimals; 0 when no element was answered
	Grade    string    // A, B, C or D; "" when there is no index
}

// Element is one IKM element's answers.
type Element struct {
	Name string
	N    int
	Mean float64 // on 1-4
	sum  float64
}

// NPS is the recommendation score: promoters (9-10) minus detractors (0-6), in percent of
// those who answered, -100..100.
type NPS struct {
	N, Promoters, Passives, Detractors int
	Score                              int
}

// Grade is the IKM's quality grade (PermenPANRB 14/2017): A Sangat Baik from 88.31, B Baik
// from 76.61, C Kurang Baik from 65.00, D Tidak Baik below.
func Grade(index float64) string {
	switch index = round2(index); {
	case index >= 88.31:
		return "A"
	case index >= 76.61:
		return "B"
	case index >= 65.00:
		return "C"
	}
	return "D"
}

// Summarize computes the report of the parts together: the same question (by section and
// question id) and the same trainer (by name) count as one across batches.
func Summarize(parts []Part) Report {
	var rep Report
	questions := map[string]*Stat{}
	var order []string
	trainers := map[string]*TrainerStat{}
	var trainerOrder []string
	trainerItems := map[string]*Stat{}
	elements := map[string]*Element{}
	var comments []string
	for _, p := range parts {
		rep.Invited += p.Invited
		rep.Submitted += len(p.Responses)
		items := p.Template.Items(p.Trainers)
		for _, ans := range p.Responses {
			for _, it := range items {
				a, ok := ans[it.Key]
				if !ok || a.Skipped {
					continue
				}
				q := it.Question
				if q.Kind == Text {
					comments = append(comments, a.Text)
					continue
				}
				if it.Trainer != "" {
					if q.Kind != Scale {
						continue
					}
					t := trainers[it.Trainer]
					if t == nil {
						t = &TrainerStat{Name: it.Trainer}
						trainers[it.Trainer] = t
						trainerOrder = append(trainerOrder, it.Trainer)
					}
					k := it.Trainer + "\x00" + baseKey(it.Key)
					s := trainerItems[k]
					if s == nil {
						s = newStat(baseKey(it.Key), q)
						trainerItems[k] = s
					}
					s.add(a)
				} else {
					s := questions[it.Key]
					if s == nil {
						s = newStat(it.Key, q)
						questions[it.Key] = s
						order = append(order, it.Key)
					}
					s.add(a)
					if q.Kind == Recommend {
						rep.Recommend.add(a.N)
					}
				}
				if q.IKM != "" {
					e := elements[q.IKM]
					if e == nil {
						e = &Element{Name: q.IKM}
						elements[q.IKM] = e
					}
					e.N++
					e.sum += onFourPoints(a.N, q.Points)
				}
			}
		}
	}
	for _, k := range order {
		rep.Questions = append(rep.Questions, questions[k].done())
	}
	for _, name := range trainerOrder {
		t := trainers[name]
		sum := 0
		for _, p := range parts {
			for _, s := range p.Template.Sections {
				if !s.PerTrainer {
					continue
				}
				for _, q := range s.Questions {
					st := trainerItems[name+"\x00"+s.ID+"."+q.ID]
					if st == nil || slices.ContainsFunc(t.Items, func(x Stat) bool { return x.Key == st.Key }) {
						continue
					}
					t.Items = append(t.Items, st.done())
					t.N += st.N
					sum += st.sum
				}
			}
		}
		if t.N > 0 {
			t.Mean = round2(float64(sum) / float64(t.N))
		}
		rep.Trainers = append(rep.Trainers, *t)
	}
	var total float64
	for _, name := range IKMElements {
		if e := elements[name]; e != nil {
			e.Mean = round2(e.sum / float64(e.N))
			rep.IKM.Elements = append(rep.IKM.Elements, *e)
			total += e.sum / float64(e.N)
		}
	}
	if n := len(rep.IKM.Elements); n > 0 {
		rep.IKM.Index = round2(total / float64(n) * 25)
		rep.IKM.Grade = Grade(rep.IKM.Index)
	}
	rep.Recommend.score()
	slices.Reverse(comments)
	rep.Comments = comments
	return rep
}

func newStat(key string, q Question) *Stat {
	s := &Stat{Key: key, Text: q.Text, Kind: q.Kind, Options: q.Options}
	s.Lo, s.Hi = q.Range()
	s.Counts = make([]int, s.Hi-s.Lo+1)
	return s
}

func (s *Stat) add(a Answer) {
	s.N++
	switch s.Kind {
	case Multi:
		for _, i := range a.Set {
			s.Counts[i-s.Lo]++
		}
	default:
		s.Counts[a.N-s.Lo]++
		s.sum += a.N
	}
}

func (s *Stat) done() Stat {
	if s.N > 0 && (s.Kind == Scale || s.Kind == Recommend) {
		s.Mean = round2(float64(s.sum) / float64(s.N))
	}
	return *s
}

func (n *NPS) add(score int) {
	n.N++
	switch {
	case score >= 9:
		n.Promoters++
	case score >= 7:
		n.Passives++
	default:
		n.Detractors++
	}
}

func (n *NPS) score() {
	if n.N > 0 {
		n.Score = int(math.Round(100 * float64(n.Promoters-n.Detractors) / float64(n.N)))
	}
}

// onFourPoints maps a point of a 1-points scale linearly onto 1-4.
func onFourPoints(v, points int) float64 {
	if points <= 1 {
		return float64(v)
	}
	return 1 + float64(v-1)*3/float64(points-1)
}

// baseKey is an item's key without its trainer: "pengajar.penguasaan#2" → "pengajar.penguasaan".
func baseKey(key string) string {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '#' {
			return key[:i]
		}
	}
	return key
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
