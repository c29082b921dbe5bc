package asn

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"go.yaml.in/yaml/v3"
)

const localeFile = "../../locales/asn.id.yaml"

// samples holds, for every key the package can return, one input that returns it. The key
// set is checked against the source and the locale file below, so a new key without a
// sample, or without a text, fails a test.
var samples = map[string]func() *Problem{
	"nip.invalid_chars":            nipProblem("1986O926 201505 1 001"),
	"nip.length":                   nipProblem("19860926 2015"),
	"nip.birth_date":               nipProblem("19870229 201505 1 001"),
	"nip.birth_future":             nipProblem("20270101 201505 1 001"),
	"nip.too_old":                  nipProblem("19391231 196001 1 001"),
	"nip.too_young":                nipProblem("20100101 202606 1 001"),
	"nip.appointment":              nipProblem("19860926 202220 1 001"),
	"nip.appointment_future":       nipProblem("19860926 202607 1 001"),
	"nip.appointment_before_birth": nipProblem("19860926 198505 1 001"),
	"nip.appointment_too_early":    nipProblem("19860926 200001 1 001"),
	"nip.gender":                   nipProblem("19860926 201505 3 001"),
	"nip.sequence":                 nipProblem("19860926 201505 1 000"),
	"phone.empty":                  phoneProblem(" - "),
	"phone.invalid_chars":          phoneProblem("0812 3456 78ab"),
	"phone.foreign":                phoneProblem("+44 7911 123456"),
	"phone.prefix":                 phoneProblem("0800 1 234567"),
	"phone.length":                 phoneProblem("0812 345"),
}

// knownKeys is the key set of samples, for tests that only need membership.
var knownKeys = func() map[string]bool {
	m := make(map[string]bool, len(samples))
	for k := range samples {
		m[k] = true
	}
	return m
}()

func nipProblem(input string) func() *Problem {
	return func() *Problem { _, p := ParseNIP(input, testNow); return p }
}

func phoneProblem(input string) func() *Problem {
	return func() *Problem { _, p := NormalizePhone(input); return p }
}

// reserved are the words go-i18n reads as message fields or plural forms, never as keys.
var reserved = []string{"id", "description", "hash", "leftdelim", "rightdelim", "zero", "one", "two", "few", "many", "other"}

// loadLocale reads the locale file into a flat map of message ID to text, checking the
// structure go-i18n expects on the way.
func loadLocale(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(localeFile)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := yaml.Unmarshal(b, &tree); err != nil {
		t.Fatalf("%s: %v", localeFile, err)
	}
	texts := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if slices.Contains(reserved, strings.ToLower(k)) {
					t.Errorf("%s: %q uses the go-i18n reserved word %q as a key", localeFile, prefix, k)
				}
				walk(strings.TrimPrefix(prefix+"."+k, "."), child)
			}
		case string:
			texts[prefix] = v
		default:
			t.Errorf("%s: %s is a %T, want a text or a map", localeFile, prefix, v)
		}
	}
	walk("", tree)
	return texts
}

// TestEveryKeyHasAText checks, for each key, that the locale file has a text, that the text
// parses as a template, runs with exactly the arguments the code gives, quotes every one of
// them, and is polite and safe for Telegram's HTML mode.
func TestEveryKeyHasAText(t *testing.T) {
	t.Parallel()
	texts := loadLocale(t)
	for key, sample := range samples {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			prob := sample()
			if prob == nil || prob.Key != key {
				t.Fatalf("the sample for %s returned %v", key, prob)
			}
			text, ok := texts[key]
			if !ok {
				t.Fatalf("%s has no text in %s", key, localeFile)
			}
			tmpl, err := template.New(key).Option("missingkey=error").Parse(text)
			if err != nil {
				t.Fatalf("%s does not parse: %v", key, err)
			}
			var out strings.Builder
			data := map[string]any{}
			for k, v := range prob.Args {
				data[k] = v
			}
			if err := tmpl.Execute(&out, data); err != nil {
				t.Fatalf("%s does not run with %v: %v", key, prob.Args, err)
			}
			for name := range prob.Args {
				if !strings.Contains(text, "{{."+name+"}}") {
					t.Errorf("%s does not quote its argument %s", key, name)
				}
			}
			checkText(t, key, out.String())
		})
	}
}

// TestLocaleHasNoStaleKeys checks the locale file holds only texts the code can ask for.
func TestLocaleHasNoStaleKeys(t *testing.T) {
	t.Parallel()
	for key := range loadLocale(t) {
		if !knownKeys[key] {
			t.Errorf("%s: %s is not returned by the code", localeFile, key)
		}
	}
}

// TestSourceKeysHaveSamples scans the package source for key literals, so that a new problem
// key cannot be added to the code without a sample here, and hence a text.
func TestSourceKeysHaveSamples(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^(nip|phone)\.[a-z_]+$`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && shape.MatchString(s) {
					found[s] = true
				}
			}
			return true
		})
	}
	for key := range found {
		if !knownKeys[key] {
			t.Errorf("the source returns %s, which has no sample in locale_test.go", key)
		}
	}
	for key := range knownKeys {
		if !found[key] {
			t.Errorf("sample %s is not in the source", key)
		}
	}
}

var (
	tag    = regexp.MustCompile(`</?([a-z]+)>`)
	entity = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]+);`)
)

// checkText checks a rendered text is polite Indonesian and valid Telegram HTML.
func checkText(t *testing.T, key, s string) {
	t.Helper()
	if strings.Contains(strings.ToLower(s), "kamu") {
		t.Errorf("%s: use the polite \"Anda\", not \"kamu\": %q", key, s)
	}
	if strings.Contains(s, "<no value>") {
		t.Errorf("%s: an argument is missing: %q", key, s)
	}
	if n := len([]rune(s)); n > 300 {
		t.Errorf("%s: %d characters, too long for a phone screen", key, n)
	}
	// Every tag is an allowed one and closed in order; no bare < or & remains.
	var open []string
	rest := s
	for {
		i := strings.IndexAny(rest, "<&")
		if i < 0 {
			break
		}
		rest = rest[i:]
		if rest[0] == '&' {
			m := entity.FindString(rest)
			if m == "" {
				t.Errorf("%s: a bare & in %q", key, s)
				m = "&"
			}
			rest = rest[len(m):]
			continue
		}
		m := tag.FindStringSubmatchIndex(rest)
		if m == nil || m[0] != 0 {
			t.Errorf("%s: a bare < in %q", key, s)
			rest = rest[1:]
			continue
		}
		name := rest[m[2]:m[3]]
		if !slices.Contains([]string{"b", "i", "code"}, name) {
			t.Errorf("%s: tag <%s> is not used by the bot", key, name)
		}
		if rest[1] == '/' {
			if len(open) == 0 || open[len(open)-1] != name {
				t.Errorf("%s: </%s> closes nothing in %q", key, name, s)
			} else {
				open = open[:len(open)-1]
			}
		} else {
			open = append(open, name)
		}
		rest = rest[m[1]:]
	}
	if len(open) > 0 {
		t.Errorf("%s: unclosed %v in %q", key, open, s)
	}
}
