package catalogfile

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// YAML keys, by level. The keys are the CSV column names, except that a batch's name is
// "nama" under "angkatan" (the list of batches) rather than a column "angkatan".
var (
	yamlCourseKeys = map[string]bool{"kode": true, "judul": true, "kategori": true, "metode": true,
		"jp": true, "deskripsi": true, "sasaran": true, "terbit": true, "survei": true, "min_kehadiran": true, "angkatan": true}
	yamlBatchKeys = map[string]string{"nama": "angkatan", "mulai": "mulai", "selesai": "selesai",
		"zona": "zona", "lokasi": "lokasi", "tautan_daring": "tautan_daring", "kuota": "kuota",
		"pendaftaran_dibuka": "pendaftaran_dibuka", "pendaftaran_ditutup": "pendaftaran_ditutup", "pengajar": "pengajar",
		"catatan": "catatan", "kontak_nama": "kontak_nama", "kontak_wa": "kontak_wa"}
)

// yamlErrorLine finds the line in a yaml.v3 syntax error ("yaml: line 5: ...").
var yamlErrorLine = regexp.MustCompile(`line (\d+)`)

// readYAML reads the nested form. It walks yaml.Node rather than decoding into structs: the
// nodes carry line numbers for messages, and their text is what the admin wrote, where a
// decoder would turn 2027-01-12 08:00 into a timestamp and kode 0012 into the number 12.
func (p *parser) readYAML(data []byte) []rawCourse {
	if yamlNodesAtMost(data) > maxYAMLNodes {
		p.add(0, "impor.yaml_terlalu_banyak", "Max", MaxRows)
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		if m := yamlErrorLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			p.add(line, "impor.yaml_rusak")
		} else {
			p.add(0, "impor.berkas_rusak", "Format", "YAML")
		}
		return nil
	}
	if len(doc.Content) == 0 {
		p.add(0, "impor.berkas_kosong") // only comments
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.add(0, "impor.yaml_tanpa_pelatihan")
		return nil
	}
	var list *yaml.Node
	p.mapping(root, func(key string, k, v *yaml.Node) {
		if key == "pelatihan" {
			list = v
		} else {
			p.add(k.Line, "impor.isian_tidak_dikenal", "Field", k.Value)
		}
	})
	switch {
	case list == nil:
		p.add(0, "impor.yaml_tanpa_pelatihan")
		return nil
	case list.Kind == yaml.ScalarNode && list.Tag == "!!null":
		return nil // "pelatihan:" with nothing under it: no data rows
	case list.Kind != yaml.SequenceNode:
		p.add(list.Line, "impor.yaml_daftar", "Field", "pelatihan")
		return nil
	}
	var out []rawCourse
	firstRow := map[string]int{}
	for _, item := range list.Content {
		c, ok := p.yamlCourse(item)
		if !ok {
			continue
		}
		// Rows of a table with one code are one course; in YAML a course is written once.
		if code := c.get("kode"); code.text != "" {
			if first, dup := firstRow[code.text]; dup {
				p.add(code.row, "impor.kode_ganda", "Code", code.text, "FirstRow", first)
			} else {
				firstRow[code.text] = code.row
			}
		}
		out = append(out, c)
	}
	return out
}

// maxYAMLNodes caps the nodes of a YAML catalogue, counted before it is decoded: a node
// costs a few hundred bytes once decoded, so 5 MB of "[a,a,a,…]" would take a gigabyte.
// MaxRows courses of one batch each, keys and values, count about 160,000.
const maxYAMLNodes = 200_000

// yamlNodesAtMost bounds from above the nodes data decodes to: every node but the document
// follows a line break, an indicator and a space ("- ", "? ", ": "), or, in flow style,
// "[", "{" or ",".
func yamlNodesAtMost(data []byte) int {
	n := 1
	for i, c := range data {
		switch c {
		case '\n', '[', '{', ',':
			n++
		case '-', '?', ':':
			if i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\n' || data[i+1] == '\r' || data[i+1] == '\t' {
				n++
			}
		}
	}
	return n
}

// yamlCourse reads one item of "pelatihan".
func (p *parser) yamlCourse(n *yaml.Node) (rawCourse, bool) {
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "impor.yaml_butir", "Field", "pelatihan")
		return rawCourse{}, false
	}
	c := rawCourse{record: record{row: n.Line, fields: map[string]value{}}}
	var batches *yaml.Node
	p.mapping(n, func(key string, k, v *yaml.Node) {
		switch {
		case key == "angkatan":
			batches = v
		case yamlCourseKeys[key]:
			p.scalar(c.fields, key, k, v)
		default:
			p.add(k.Line, "impor.isian_tidak_dikenal", "Field", k.Value)
		}
	})
	switch {
	case batches == nil || batches.Kind == yaml.ScalarNode && batches.Tag == "!!null":
		p.add(n.Line, "impor.tanpa_angkatan", "Code", c.get("kode").text)
	case batches.Kind != yaml.SequenceNode:
		p.add(batches.Line, "impor.yaml_daftar", "Field", "angkatan")
	default:
		if len(batches.Content) == 0 {
			p.add(n.Line, "impor.tanpa_angkatan", "Code", c.get("kode").text)
		}
		for _, b := range batches.Content {
			if b.Kind != yaml.MappingNode {
				p.add(b.Line, "impor.yaml_butir", "Field", "angkatan")
				continue
			}
			rec := record{row: b.Line, fields: map[string]value{}}
			p.mapping(b, func(key string, k, v *yaml.Node) {
				if field, ok := yamlBatchKeys[key]; ok {
					p.scalar(rec.fields, field, k, v)
				} else {
					p.add(k.Line, "impor.isian_tidak_dikenal", "Field", k.Value)
				}
			})
			c.batches = append(c.batches, rec)
		}
	}
	return c, true
}

// mapping calls fn for each key of a mapping node, with the key lowercased as in a CSV
// header; a key given twice is a problem, since one of the two would be silently lost.
func (p *parser) mapping(n *yaml.Node, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := strings.ToLower(strings.TrimSpace(k.Value))
		if seen[key] {
			p.add(k.Line, "impor.isian_ganda", "Field", k.Value)
			continue
		}
		seen[key] = true
		fn(key, k, v)
	}
}

// scalar stores a field's text as written. An alias is followed only to a scalar, which is
// all a field holds; expanding aliased lists could make a small file huge.
func (p *parser) scalar(fields map[string]value, field string, k, v *yaml.Node) {
	if v.Kind == yaml.AliasNode && v.Alias != nil && v.Alias.Kind == yaml.ScalarNode {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode {
		p.add(v.Line, "impor.yaml_nilai", "Field", k.Value)
		return
	}
	text := v.Value
	if v.Tag == "!!null" {
		text = "" // "sasaran:" or "sasaran: ~"
	}
	fields[field] = value{text: text, row: v.Line}
}
