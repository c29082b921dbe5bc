package survey

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one reason a template is refused: the line of the file (0: the whole file),
// where in the template ("materi.relevansi"), and a locale key (survei_impor.*) with its
// arguments, every text of which reads "Baris {{.Row}} …".
type Problem struct {
	Line int
	Key  string
	Args map[string]any
}

// Limits of a template: a survey must stay short enough to be answered in chat, its texts
// must fit a phone screen, its ids travel in callback data and catalogue files.
const (
	MaxFileSize   = 256 << 10
	maxQuestions  = 60
	maxTitle      = 100
	maxText       = 300
	maxLabel      = 30
	maxOption     = 40
	maxOptions    = 8
	defaultMaxLen = 500
	maxMaxLen     = 2000
)

var (
	keyShape = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)
	idShape  = regexp.MustCompile(`^[a-z0-9_]{1,30}$`)
)

// Read reads a template from YAML. When any problem is found it returns no template: a
// template is loaded whole or not at all.
func Read(data []byte) (Template, []Problem) {
	r := &reader{}
	t := r.read(data)
	if len(r.problems) > 0 {
		return Template{}, r.problems
	}
	return t, nil
}

// Looks reports whether data is a survey template rather than another YAML file (a catalogue):
// its top level names the sections. A file larger than any template is not one, and is not
// decoded here: the catalogue reader caps what it decodes.
func Looks(data []byte) bool {
	if len(data) > MaxFileSize {
		return false
	}
	var top map[string]yaml.Node
	return yaml.Unmarshal(data, &top) == nil && top["bagian"].Kind != 0
}

type reader struct {
	problems []Problem
}

func (r *reader) add(line int, where, key string, kv ...any) {
	if len(r.problems) >= 50 {
		return
	}
	args := map[string]any{"Row": line, "Where": where}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	r.problems = append(r.problems, Problem{Line: line, Key: key, Args: args})
}

var yamlErrorLine = regexp.MustCompile(`line (\d+)`)

func (r *reader) read(data []byte) Template {
	var t Template
	if len(data) > MaxFileSize {
		r.add(0, "", "survei_impor.terlalu_besar", "MaxKB", MaxFileSize>>10)
		return t
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		if m := yamlErrorLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		r.add(line, "", "survei_impor.yaml_rusak")
		return t
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		r.add(0, "", "survei_impor.kosong")
		return t
	}
	root := doc.Content[0]
	var sections *yaml.Node
	r.fields(root, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "id":
			t.Key = r.scalar(v, "", key)
			if !keyShape.MatchString(t.Key) {
				r.add(v.Line, "", "survei_impor.id_templat", "Value", t.Key)
			}
		case "judul":
			t.Title = r.text(v, "", key, maxTitle)
		case "anonim":
			t.Anonymous = r.boolean(v, "", key)
		case "bagian":
			sections = v
		default:
			r.add(k.Line, "", "survei_impor.isian_tidak_dikenal", "Field", key)
		}
	})
	if t.Key == "" {
		r.add(root.Line, "", "survei_impor.wajib", "Field", "id")
	}
	if t.Title == "" {
		r.add(root.Line, "", "survei_impor.wajib", "Field", "judul")
	}
	if sections == nil || sections.Kind != yaml.SequenceNode || len(sections.Content) == 0 {
		r.add(root.Line, "", "survei_impor.tanpa_bagian")
		return t
	}
	seen := map[string]int{}
	count := 0
	for _, sn := range sections.Content {
		s := r.section(sn)
		if first, dup := seen[s.ID]; dup && s.ID != "" {
			r.add(sn.Line, s.ID, "survei_impor.id_ganda", "FirstRow", first)
		}
		seen[s.ID] = sn.Line
		count += len(s.Questions)
		t.Sections = append(t.Sections, s)
	}
	if count > maxQuestions {
		r.add(0, "", "survei_impor.terlalu_banyak", "Count", count, "Max", maxQuestions)
	}
	return t
}

func (r *reader) section(n *yaml.Node) Section {
	var s Section
	if n.Kind != yaml.MappingNode {
		r.add(n.Line, "", "survei_impor.bukan_kelompok", "Field", "bagian")
		return s
	}
	var questions *yaml.Node
	r.fields(n, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "id":
			s.ID = r.scalar(v, "", key)
			if !idShape.MatchString(s.ID) {
				r.add(v.Line, "", "survei_impor.id_tidak_sah", "Value", s.ID)
			}
		case "judul":
			s.Title = r.text(v, s.ID, key, maxTitle)
		case "per_pengajar":
			s.PerTrainer = r.boolean(v, s.ID, key)
		case "pertanyaan":
			questions = v
		default:
			r.add(k.Line, s.ID, "survei_impor.isian_tidak_dikenal", "Field", key)
		}
	})
	if s.ID == "" {
		r.add(n.Line, "", "survei_impor.wajib", "Field", "id")
	}
	if questions == nil || questions.Kind != yaml.SequenceNode || len(questions.Content) == 0 {
		r.add(n.Line, s.ID, "survei_impor.tanpa_pertanyaan")
		return s
	}
	seen := map[string]int{}
	for _, qn := range questions.Content {
		q := r.question(qn, s)
		if first, dup := seen[q.ID]; dup && q.ID != "" {
			r.add(qn.Line, s.ID+"."+q.ID, "survei_impor.id_ganda", "FirstRow", first)
		}
		seen[q.ID] = qn.Line
		s.Questions = append(s.Questions, q)
	}
	return s
}

func (r *reader) question(n *yaml.Node, s Section) Question {
	q := Question{Required: true}
	if n.Kind != yaml.MappingNode {
		r.add(n.Line, s.ID, "survei_impor.bukan_kelompok", "Field", "pertanyaan")
		return q
	}
	// The id comes first in the messages, wherever it stands in the file.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" {
			q.ID = n.Content[i+1].Value
		}
	}
	where := s.ID + "." + q.ID
	var options *yaml.Node
	lines := map[string]int{}
	r.fields(n, where, func(key string, k, v *yaml.Node) {
		lines[key] = v.Line
		switch key {
		case "id":
			if !idShape.MatchString(r.scalar(v, where, key)) {
				r.add(v.Line, s.ID, "survei_impor.id_tidak_sah", "Value", v.Value)
			}
		case "jenis":
			q.Kind = Kind(strings.ToLower(r.scalar(v, where, key)))
		case "teks":
			q.Text = r.text(v, where, key, maxText)
		case "wajib":
			q.Required = r.boolean(v, where, key)
		case "ikm":
			q.IKM = strings.ToLower(r.scalar(v, where, key))
		case "skala":
			q.Points = r.number(v, where, key)
		case "label_rendah":
			q.Low = r.text(v, where, key, maxLabel)
		case "label_tinggi":
			q.High = r.text(v, where, key, maxLabel)
		case "maks":
			q.MaxLen = r.number(v, where, key)
		case "pilihan":
			options = v
		default:
			r.add(k.Line, where, "survei_impor.isian_tidak_dikenal", "Field", key)
		}
	})
	line := func(field string) int {
		if l, ok := lines[field]; ok {
			return l
		}
		return n.Line
	}
	if q.ID == "" {
		r.add(n.Line, where, "survei_impor.wajib", "Field", "id")
	}
	if q.Text == "" {
		r.add(line("teks"), where, "survei_impor.wajib", "Field", "teks")
	}
	if strings.Contains(q.Text, TrainerPlaceholder) && !s.PerTrainer {
		r.add(line("teks"), where, "survei_impor.nama_pengajar_di_luar")
	}
	if q.IKM != "" && (q.Kind != Scale || !slices.Contains(IKMElements, q.IKM)) {
		r.add(line("ikm"), where, "survei_impor.ikm_tidak_sah", "Value", q.IKM, "Elements", strings.Join(IKMElements, ", "))
	}
	switch q.Kind {
	case Scale:
		if q.Points == 0 {
			q.Points = 4
		}
		if q.Points != 4 && q.Points != 5 {
			r.add(line("skala"), where, "survei_impor.skala_tidak_sah")
		}
		if q.Low == "" || q.High == "" {
			r.add(n.Line, where, "survei_impor.skala_label")
		}
	case Choice, Multi:
		q.Options = r.options(options, where, n.Line)
	case Text:
		if q.MaxLen == 0 {
			q.MaxLen = defaultMaxLen
		}
		if q.MaxLen < 10 || q.MaxLen > maxMaxLen {
			r.add(line("maks"), where, "survei_impor.maks_tidak_sah", "Max", maxMaxLen)
		}
	case Recommend:
	case "":
		r.add(n.Line, where, "survei_impor.wajib", "Field", "jenis")
	default:
		r.add(line("jenis"), where, "survei_impor.jenis_tidak_dikenal", "Value", string(q.Kind))
	}
	if options != nil && q.Kind != Choice && q.Kind != Multi {
		r.add(line("pilihan"), where, "survei_impor.pilihan_tanpa_jenis")
	}
	return q
}

func (r *reader) options(n *yaml.Node, where string, line int) []string {
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) < 2 || len(n.Content) > maxOptions {
		r.add(line, where, "survei_impor.pilihan_jumlah", "Max", maxOptions)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, o := range n.Content {
		out = append(out, r.text(o, where, "pilihan", maxOption))
	}
	return out
}
