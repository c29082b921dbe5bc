package survey

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bpsdm/asnbot/locales"
)

func TestDefaultTemplate(t *testing.T) {
	t.Parallel()
	tpl, problems := Read(locales.DefaultSurvey())
	if len(problems) > 0 {
		t.Fatalf("the shipped template is refused: %+v", problems)
	}
	if tpl.Key != DefaultKey || !tpl.Anonymous {
		t.Errorf("key %q anonymous %v", tpl.Key, tpl.Anonymous)
	}
	items := tpl.Items([]string{"Dr. Ani", "Budi, M.Si."})
	if len(items) != 26 {
		t.Errorf("%d questions with two trainers", len(items))
	}
	var ikm []string
	trainer := 0
	for _, it := range items {
		if it.Question.IKM != "" {
			ikm = append(ikm, it.Question.IKM)
		}
		if it.Trainer != "" {
			trainer++
			if !strings.Contains(it.Text(), it.Trainer) {
				t.Errorf("%s: %q does not name the trainer", it.Key, it.Text())
			}
		}
	}
	slices.Sort(ikm)
	want := slices.Sorted(slices.Values(IKMElements))
	if !slices.Equal(ikm, want) {
		t.Errorf("IKM elements %v, want each of %v once", ikm, want)
	}
	if trainer != 12 || len(tpl.Items(nil)) != 14 {
		t.Errorf("%d trainer questions; %d without trainers", trainer, len(tpl.Items(nil)))
	}
}

func TestReadRefusesWithLineAndQuestion(t *testing.T) {
	t.Parallel()
	head := "id: uji\njudul: Uji\nbagian:\n  - id: a\n    pertanyaan:\n"
	tests := []struct {
		name, body string
		want       string // key@line where
	}{
		{"unknown kind", "      - id: q1\n        jenis: bintang\n        teks: Apa?\n", "jenis_tidak_dikenal@7 a.q1"},
		{"scale of 7", "      - id: q1\n        jenis: skala\n        skala: 7\n        teks: Apa?\n        label_rendah: a\n        label_tinggi: b\n", "skala_tidak_sah@8 a.q1"},
		{"scale without labels", "      - id: q1\n        jenis: skala\n        teks: Apa?\n", "skala_label@6 a.q1"},
		{"unknown IKM element", "      - id: q1\n        jenis: skala\n        teks: Apa?\n        label_rendah: a\n        label_tinggi: b\n        ikm: harga\n", "ikm_tidak_sah@11 a.q1"},
		{"one option", "      - id: q1\n        jenis: pilihan\n        teks: Apa?\n        pilihan: [ya]\n", "pilihan_jumlah@6 a.q1"},
		{"no text", "      - id: q1\n        jenis: rekomendasi\n", "wajib@6 a.q1"},
		{"a typo in a key", "      - id: q1\n        jenis: rekomendasi\n        teks: Apa?\n        wajb: tidak\n", "isian_tidak_dikenal@9 a.q1"},
		{"the same id twice", "      - id: q1\n        jenis: rekomendasi\n        teks: Apa?\n      - id: q1\n        jenis: rekomendasi\n        teks: Lagi?\n", "id_ganda@9 a.q1"},
		{"a trainer outside a trainer section", "      - id: q1\n        jenis: rekomendasi\n        teks: \"{pengajar} baik?\"\n", "nama_pengajar_di_luar@8 a.q1"},
		{"broken YAML", "      - id: q1\n    jenis: [\n", "yaml_rusak@"},
	}
	for _, tt := range tests {
		_, problems := Read([]byte(head + tt.body))
		var got []string
		for _, p := range problems {
			got = append(got, strings.TrimPrefix(p.Key, "survei_impor.")+"@"+strconv.Itoa(p.Line)+" "+p.Args["Where"].(string))
		}
		if len(got) == 0 || !strings.HasPrefix(got[0], tt.want) {
			t.Errorf("%s: problems %v, want %s", tt.name, got, tt.want)
		}
	}
	if _, problems := Read([]byte(head + "      - id: q1\n        jenis: rekomendasi\n        teks: Apa?\n")); problems != nil {
		t.Errorf("a good template was refused: %+v", problems)
	}
}

// TestSummarize checks the report of three fixed responses against figures computed by hand.
func TestSummarize(t *testing.T) {
	t.Parallel()
	tpl := Template{Key: "uji", Sections: []Section{
		{ID: "a", Questions: []Question{
			{ID: "q1", Kind: Scale, Points: 4, IKM: "produk", Text: "Relevan"},
			{ID: "q2", Kind: Scale, Points: 5, IKM: "sarana", Text: "Sarana"},
			{ID: "q3", Kind: Recommend, Text: "Rekomendasi"},
			{ID: "q4", Kind: Choice, Options: []string{"x", "y", "z"}, Text: "Kapan"},
			{ID: "q5", Kind: Text, MaxLen: 100, Text: "Saran"},
		}},
		{ID: "t", PerTrainer: true, Questions: []Question{{ID: "k", Kind: Scale, Points: 4, Text: "{pengajar} baik"}}},
	}}
	r := func(q1, q2, q3, q4 int, q5 string, k1, k2 int) Answers {
		a := Answers{"a.q1": {N: q1}, "a.q2": {N: q2}, "a.q3": {N: q3}, "a.q4": {N: q4}, "t.k#1": {N: k1}, "t.k#2": {N: k2}}
		if q5 == "" {
			a["a.q5"] = Answer{Skipped: true}
		} else {
			a["a.q5"] = Answer{Text: q5}
		}
		return a
	}
	rep := Summarize([]Part{{Template: tpl, Trainers: []string{"Bu Ani", "Pak Budi"}, Invited: 4, Responses: []Answers{
		r(4, 5, 10, 0, "Bagus", 4, 3),
		r(3, 3, 8, 2, "", 3, 2),
		r(2, 1, 5, 0, "Ruang panas", 4, 4),
	}}})
	if rep.Submitted != 3 || rep.Invited != 4 || rep.ResponseRate() != 75 {
		t.Errorf("response %d/%d = %v%%", rep.Submitted, rep.Invited, rep.ResponseRate())
	}
	got := map[string]Stat{}
	for _, s := range rep.Questions {
		got[s.Key] = s
	}
	check := func(key string, n int, mean float64, counts []int) {
		s := got[key]
		if s.N != n || s.Mean != mean || !slices.Equal(s.Counts, counts) {
			t.Errorf("%s: n %d mean %v counts %v; want %d %v %v", key, s.N, s.Mean, s.Counts, n, mean, counts)
		}
	}
	check("a.q1", 3, 3, []int{0, 1, 1, 1})
	check("a.q2", 3, 3, []int{1, 0, 1, 0, 1})
	check("a.q3", 3, 7.67, []int{0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1})
	check("a.q4", 3, 0, []int{2, 0, 1})
	if d := cmp.Diff(NPS{N: 3, Promoters: 1, Passives: 1, Detractors: 1, Score: 0}, rep.Recommend); d != "" {
		t.Errorf("NPS (-want +got):\n%s", d)
	}
	// IKM: produk 3.00; sarana on 1-4: 4, 2.5, 1 → 2.50; (3 + 2.5) / 2 × 25 = 68.75: C.
	want := IKM{Elements: []Element{{Name: "produk", N: 3, Mean: 3}, {Name: "sarana", N: 3, Mean: 2.5}}, Index: 68.75, Grade: "C"}
	if d := cmp.Diff(want, rep.IKM, cmpopts.IgnoreUnexported(Element{})); d != "" {
		t.Errorf("IKM (-want +got):\n%s", d)
	}
	if len(rep.Trainers) != 2 || rep.Trainers[0].Name != "Bu Ani" || rep.Trainers[0].Mean != 3.67 ||
		rep.Trainers[1].Name != "Pak Budi" || rep.Trainers[1].Mean != 3 || rep.Trainers[0].Items[0].N != 3 {
		t.Errorf("trainers %+v", rep.Trainers)
	}
	if !slices.Equal(rep.Comments, []string{"Ruang panas", "Bagus"}) {
		t.Errorf("comments %q", rep.Comments)
	}
}

func TestGrade(t *testing.T) {
	t.Parallel()
	for index, want := range map[float64]string{100: "A", 88.31: "A", 88.3: "B", 88.305: "A", 76.61: "B", 76.6: "C", 65: "C", 64.99: "D", 25: "D"} {
		if got := Grade(index); got != want {
			t.Errorf("Grade(%v) = %s, want %s", index, got, want)
		}
	}
}
