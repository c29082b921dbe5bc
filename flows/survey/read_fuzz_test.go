package survey

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/bpsdm/asnbot/locales"
)

// FuzzRead feeds the template reader any bytes: an agency's YAML, typed on a laptop, or any
// file an admin sends. It must never panic; it answers with a template or with problems, never
// both; every problem renders in Indonesian and names its line; an accepted template keeps
// every limit the reader documents, its questions can be answered, Looks recognises it, and
// written back as YAML it reads the same.
func FuzzRead(f *testing.F) {
	texts := locales.MustLoad()
	f.Add(locales.DefaultSurvey())
	for _, y := range brokenTemplates {
		f.Add([]byte(y))
	}
	f.Add([]byte(manyQuestions()))
	f.Add([]byte("id: uji\njudul: Uji\nbagian:\n  - id: a\n    judul: A\n    per_pengajar: ya\n    pertanyaan:\n" +
		"      - id: q\n        jenis: pilihan_ganda\n        teks: \"{pengajar}?\"\n        pilihan: [a, b, c]\n        wajib: tidak\n" +
		"      - id: t\n        jenis: teks\n        teks: T?\n        maks: 10\n"))
	f.Add([]byte("&a id: uji\n*a : x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, problems := Read(data)
		looks := Looks(data)
		if len(problems) > 0 {
			if !cmp.Equal(tpl, Template{}) {
				t.Fatalf("%d problems, yet a template %+v", len(problems), tpl)
			}
			for _, p := range problems {
				got, err := texts.Render(p.Key, p.Args)
				if err != nil {
					t.Fatalf("problem %s does not render: %v", p.Key, err)
				}
				if p.Line > 0 && !strings.HasPrefix(got, "Baris ") {
					t.Fatalf("%s does not say its line: %q", p.Key, got)
				}
			}
			return
		}
		if !looks {
			t.Fatal("an accepted template does not look like one")
		}
		checkTemplate(t, tpl)
		again, againProblems := Read(data)
		if !cmp.Equal(tpl, again) || len(againProblems) > 0 {
			t.Fatalf("two reads differ: %s", cmp.Diff(tpl, again))
		}
		written, err := yaml.Marshal(templateYAML(tpl))
		if err != nil {
			t.Fatal(err)
		}
		back, backProblems := Read(written)
		if len(backProblems) > 0 || !cmp.Equal(tpl, back) {
			t.Fatalf("written back as\n%s\nit reads %+v %s", written, backProblems, cmp.Diff(tpl, back))
		}
	})
}

// checkTemplate checks the limits and the shape an accepted template has.
func checkTemplate(t *testing.T, tpl Template) {
	t.Helper()
	if !keyShape.MatchString(tpl.Key) || tpl.Title == "" || utf8.RuneCountInString(tpl.Title) > maxTitle || len(tpl.Sections) == 0 {
		t.Fatalf("accepted: key %q title %q, %d sections", tpl.Key, tpl.Title, len(tpl.Sections))
	}
	count := 0
	sections := map[string]bool{}
	for _, s := range tpl.Sections {
		if !idShape.MatchString(s.ID) || sections[s.ID] || utf8.RuneCountInString(s.Title) > maxTitle || len(s.Questions) == 0 {
			t.Fatalf("accepted section %+v", s)
		}
		sections[s.ID] = true
		ids := map[string]bool{}
		for _, q := range s.Questions {
			count++
			if !idShape.MatchString(q.ID) || ids[q.ID] || q.Text == "" || utf8.RuneCountInString(q.Text) > maxText ||
				(strings.Contains(q.Text, TrainerPlaceholder) && !s.PerTrainer) ||
				(q.IKM != "" && (q.Kind != Scale || !slices.Contains(IKMElements, q.IKM))) {
				t.Fatalf("accepted question %+v in section %s", q, s.ID)
			}
			ids[q.ID] = true
			switch q.Kind {
			case Scale:
				if (q.Points != 4 && q.Points != 5) || q.Low == "" || q.High == "" ||
					utf8.RuneCountInString(q.Low) > maxLabel || utf8.RuneCountInString(q.High) > maxLabel || q.Options != nil {
					t.Fatalf("accepted scale %+v", q)
				}
			case Choice, Multi:
				if len(q.Options) < 2 || len(q.Options) > maxOptions {
					t.Fatalf("accepted choice %+v", q)
				}
				for _, o := range q.Options {
					if utf8.RuneCountInString(o) > maxOption {
						t.Fatalf("accepted option %q", o)
					}
				}
			case Text:
				if q.MaxLen < 10 || q.MaxLen > maxMaxLen || q.Options != nil {
					t.Fatalf("accepted text %+v", q)
				}
			case Recommend:
				if q.Options != nil {
					t.Fatalf("accepted recommendation %+v", q)
				}
			default:
				t.Fatalf("accepted kind %q", q.Kind)
			}
		}
	}
	if count > maxQuestions {
		t.Fatalf("accepted %d questions", count)
	}
	// Asked of a batch with two trainers: each item once, each answerable at both ends of its
	// range, and skippable exactly when optional.
	keys := map[string]bool{}
	for _, it := range tpl.Items([]string{"Dr. Ani", "Budi"}) {
		if keys[it.Key] {
			t.Fatalf("item %s asked twice", it.Key)
		}
		keys[it.Key] = true
		lo, hi := it.Question.Range()
		if lo > hi || !it.Question.Valid(Answer{N: lo}) && it.Question.Kind != Multi && it.Question.Kind != Text ||
			it.Question.Valid(Answer{Skipped: true}) == it.Question.Required {
			t.Fatalf("item %s: range %d-%d, required %v", it.Key, lo, hi, it.Question.Required)
		}
		if strings.Contains(it.Text(), TrainerPlaceholder) {
			t.Fatalf("item %s still reads %q", it.Key, it.Text())
		}
	}
}

// templateYAML writes a template as an agency would, every field named (yes/no as "ya"/"tidak").
func templateYAML(tpl Template) map[string]any {
	yn := func(b bool) string {
		if b {
			return "ya"
		}
		return "tidak"
	}
	var sections []any
	for _, s := range tpl.Sections {
		var qs []any
		for _, q := range s.Questions {
			m := map[string]any{"id": q.ID, "jenis": string(q.Kind), "teks": q.Text, "wajib": yn(q.Required)}
			if q.IKM != "" {
				m["ikm"] = q.IKM
			}
			switch q.Kind {
			case Scale:
				m["skala"], m["label_rendah"], m["label_tinggi"] = strconv.Itoa(q.Points), q.Low, q.High
			case Choice, Multi:
				m["pilihan"] = q.Options
			case Text:
				m["maks"] = strconv.Itoa(q.MaxLen)
			}
			qs = append(qs, m)
		}
		sections = append(sections, map[string]any{"id": s.ID, "judul": s.Title, "per_pengajar": yn(s.PerTrainer), "pertanyaan": qs})
	}
	return map[string]any{"id": tpl.Key, "judul": tpl.Title, "anonim": yn(tpl.Anonymous), "bagian": sections}
}
