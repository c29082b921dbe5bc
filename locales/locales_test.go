package locales

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"
)

// keyShape is what a locale key looks like in Go source: lowercase words joined by dots.
var keyShape = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// TestEveryKeyInCodeHasText reads the Go source of the packages that show text and checks
// that every string literal shaped like a key of a known namespace has a text.
func TestEveryKeyInCodeHasText(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	namespaces := map[string]bool{}
	for _, k := range c.Keys() {
		namespaces[strings.SplitN(k, ".", 2)[0]] = true
	}
	checked := 0
	for _, dir := range []string{"../flows", "../bot"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, path := range files {
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil || !keyShape.MatchString(s) || !namespaces[strings.SplitN(s, ".", 2)[0]] {
					return true
				}
				if strings.HasSuffix(s, ".") {
					return true // a prefix completed at run time; its keys are tested where they are built
				}
				checked++
				if !c.Has(s) {
					t.Errorf("%s: locale key %q has no text", path, s)
				}
				return true
			})
		}
	}
	if checked < 20 {
		t.Fatalf("only %d keys found in the source: the scan is broken", checked)
	}
}

// TestTemplatesParse checks every text is a valid template and names no unknown function.
func TestTemplatesParse(t *testing.T) {
	t.Parallel()
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		var tree map[string]any
		if err := yaml.Unmarshal(b, &tree); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		walk(tree, "", func(key, text string) {
			if _, err := template.New(key).Parse(text); err != nil {
				t.Errorf("%s: %s: %v", path, key, err)
			}
			if bareAmp.MatchString(text) {
				t.Errorf("%s: %s: a bare \"&\" breaks Telegram's HTML: write &amp;", path, key)
			}
			if strings.Contains(text, "kamu") || strings.Contains(text, "Kamu") {
				t.Errorf("%s: %s: use the polite \"Anda\", not \"kamu\"", path, key)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// bareAmp is an ampersand that starts no HTML entity.
var bareAmp = regexp.MustCompile(`&($|[^a-z#]|[a-z]+[^a-z;])`)

func walk(v any, prefix string, fn func(key, text string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			walk(child, strings.TrimPrefix(prefix+"."+k, "."), fn)
		}
	case string:
		fn(prefix, v)
	}
}

func TestRenderEscapesUserText(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	got, err := c.Render("start.kembali", map[string]any{"Name": "<b>Budi</b> & Co"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "&lt;b&gt;Budi&lt;/b&gt; &amp; Co") {
		t.Errorf("user text not escaped: %q", got)
	}
	got, err = c.Render("start.kembali", map[string]any{"Name": HTML("<b>Budi</b>")})
	if err != nil || !strings.Contains(got, "<b>Budi</b>") {
		t.Errorf("HTML argument escaped: %q, %v", got, err)
	}
	if _, err := c.Render("start.kembali", nil); err == nil {
		t.Error("a missing argument must be an error, not <no value> shown to a user")
	}
	if _, err := c.Render("tidak.ada", nil); err == nil {
		t.Error("an unknown key must be an error")
	}
}

func TestDateTime(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	tests := []struct {
		zone string
		want string
	}{
		{"Asia/Jakarta", "Selasa, 12 Januari 2027 pukul 08.00 WIB"},
		{"Asia/Makassar", "Selasa, 12 Januari 2027 pukul 09.00 WITA"},
		{"Asia/Jayapura", "Selasa, 12 Januari 2027 pukul 10.00 WIT"},
		{"UTC", "Selasa, 12 Januari 2027 pukul 01.00 UTC+0"},
	}
	at := time.Date(2027, 1, 12, 1, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		loc, err := time.LoadLocation(tt.zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.DateTime(at.In(loc)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.zone, got, tt.want)
		}
	}
	for m := time.January; m <= time.December; m++ {
		if c.MonthName(time.Date(2027, m, 1, 0, 0, 0, 0, time.UTC)) == "" {
			t.Errorf("month %d has no name", m)
		}
	}
}
