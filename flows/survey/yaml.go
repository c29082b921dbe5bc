package survey

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The reader's helpers for one YAML value each, reporting a problem at the value's line.

// fields calls fn for each key of a mapping, refusing a key given twice.
func (r *reader) fields(n *yaml.Node, where string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := strings.ToLower(strings.TrimSpace(k.Value))
		if seen[key] {
			r.add(k.Line, where, "survei_impor.isian_ganda", "Field", key)
			continue
		}
		seen[key] = true
		fn(key, k, v)
	}
}

func (r *reader) scalar(v *yaml.Node, where, field string) string {
	if v.Kind != yaml.ScalarNode {
		r.add(v.Line, where, "survei_impor.satu_nilai", "Field", field)
		return ""
	}
	return strings.TrimSpace(v.Value)
}

func (r *reader) text(v *yaml.Node, where, field string, limit int) string {
	s := r.scalar(v, where, field)
	if n := utf8.RuneCountInString(s); n > limit {
		r.add(v.Line, where, "survei_impor.terlalu_panjang", "Field", field, "Max", limit, "Length", n)
	}
	return s
}

func (r *reader) number(v *yaml.Node, where, field string) int {
	n, err := strconv.Atoi(r.scalar(v, where, field))
	if err != nil {
		r.add(v.Line, where, "survei_impor.bukan_angka", "Field", field, "Value", v.Value)
	}
	return n
}

func (r *reader) boolean(v *yaml.Node, where, field string) bool {
	switch strings.ToLower(r.scalar(v, where, field)) {
	case "ya", "yes", "true", "1":
		return true
	case "tidak", "no", "false", "0":
		return false
	}
	r.add(v.Line, where, "survei_impor.bukan_ya_tidak", "Field", field, "Value", v.Value)
	return false
}
