package survey

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/bpsdm/asnbot/locales"
)

// brokenTemplates reach every problem the reader gives.
var brokenTemplates = []string{
	"id: uji\n",
	"- a\n- b\n",
	"id: uji\njudul: Uji\nbagian:\n  - id: a\n    pertanyaan:\n      - id: q\n    jenis: [\n",
	"id: UJI SAJA\njudul: Uji\nwarna: biru\nanonim: mungkin\nbagian:\n  - x\n  - id: a\n    per_pengajar: [ya]\n",
	"id: uji\nbagian:\n  - id: a\n    pertanyaan: []\n  - id: a\n    pertanyaan:\n      - teks\n",
	"id: uji\njudul: Uji\nbagian:\n  - id: a b\n    judul: A\n    judul: B\n    pertanyaan:\n" +
		"      - id: q\n        jenis: skala\n        skala: tujuh\n        teks: \"{pengajar}?\"\n        ikm: harga\n" +
		"      - id: q2\n        jenis: skala\n        skala: 7\n        teks: A?\n        label_rendah: " + strings.Repeat("x", 31) + "\n" +
		"      - id: q3\n        jenis: pilihan\n        teks: B?\n        pilihan: [satu]\n" +
		"      - id: q4\n        jenis: teks\n        teks: C?\n        maks: 5\n        pilihan: [a, b]\n" +
		"      - id: q5\n        jenis: bintang\n        teks: D?\n" +
		"      - id: q6\n        teks: E?\n",
}

func TestProblemTexts(t *testing.T) {
	t.Parallel()
	texts := locales.MustLoad()
	used := map[string]bool{}
	for _, y := range append(brokenTemplates, strings.Repeat("#", MaxFileSize+1), manyQuestions()) {
		_, problems := Read([]byte(y))
		if len(problems) == 0 {
			t.Errorf("accepted:\n%s", y)
		}
		for _, p := range problems {
			used[p.Key] = true
			got, err := texts.Render(p.Key, p.Args)
			if err != nil {
				t.Errorf("%s: %v", p.Key, err)
				continue
			}
			if p.Line > 0 && !strings.HasPrefix(got, "Baris ") {
				t.Errorf("%s does not say its line: %q", p.Key, got)
			}
		}
	}
	var src []byte
	for _, f := range []string{"read.go", "yaml.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	inCode := map[string]bool{}
	for _, k := range regexp.MustCompile(`"(survei_impor\.[a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		inCode[k[1]] = true
		if !used[k[1]] {
			t.Errorf("no broken template gives %s", k[1])
		}
	}
	for _, k := range texts.Keys() {
		if strings.HasPrefix(k, "survei_impor.") && !inCode[k] {
			t.Errorf("locales have %s, which the reader never gives", k)
		}
	}
}

func manyQuestions() string {
	var b strings.Builder
	b.WriteString("id: uji\njudul: Uji\nbagian:\n  - id: a\n    pertanyaan:\n")
	for i := range maxQuestions + 1 {
		b.WriteString("      - id: q" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26)) +
			"\n        jenis: rekomendasi\n        teks: Q?\n")
	}
	return b.String()
}
