package catalogfile

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// TestLocaleTexts renders every problem the cases give with its text from
// locales/impor.id.yaml, as the bot would: every key must have a text, every argument the
// text uses must be given, a row must be named when there is one, and texts must be polite
// and safe for Telegram's HTML mode. It also checks that the cases reach every key in the
// code, and that the file has no text the code never uses.
func TestLocaleTexts(t *testing.T) {
	t.Parallel()
	texts := localeTexts(t)
	used := map[string]bool{}
	for _, tc := range problemCases(t) {
		_, problems := Parse(tc.context(), tc.file, tc.data, wib)
		for _, p := range problems {
			used[p.Key] = true
			text, ok := texts[p.Key]
			if !ok {
				t.Errorf("%s: key %q has no text in impor.id.yaml", tc.name, p.Key)
				continue
			}
			got, err := render(p.Key, text, p.Args)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if p.Row > 0 && !strings.HasPrefix(got, fmt.Sprintf("Baris %d: ", p.Row)) {
				t.Errorf("%s: %s does not start with its row: %q", tc.name, p.Key, got)
			}
			if p.Row == 0 && strings.Contains(text, ".Row") {
				t.Errorf("%s: %s names a row but has none", tc.name, p.Key)
			}
			if html := allowedTags.ReplaceAllString(got, ""); strings.ContainsAny(html, "<>&") {
				t.Errorf("%s: %s is not safe HTML for Telegram: %q", tc.name, p.Key, got)
			}
		}
	}
	for key, text := range texts {
		if strings.Contains(strings.ToLower(text), "kamu") {
			t.Errorf("%s: use the polite \"Anda\", not \"kamu\"", key)
		}
	}
	inCode := keysInCode(t)
	for key := range inCode {
		if !used[key] {
			t.Errorf("no test case gives %s: add one to problemCases", key)
		}
	}
	for key := range texts {
		if !inCode[key] {
			t.Errorf("impor.id.yaml has %s, which the code never gives", key)
		}
	}
}

// allowedTags are the tags Telegram's HTML mode takes that the texts may use.
var allowedTags = regexp.MustCompile(`</?(b|i|code)>`)

// render executes a text as go-i18n would, but failing on a missing argument instead of
// printing "<no value>".
func render(key, text string, args map[string]any) (string, error) {
	tmpl, err := template.New(key).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, args); err != nil {
		return "", fmt.Errorf("%s with %v: %w", key, args, err)
	}
	return b.String(), nil
}

// localeTexts reads locales/impor.id.yaml as go-i18n does: nested maps, keys joined by dots.
func localeTexts(t testing.TB) map[string]string {
	data, err := os.ReadFile("../../locales/impor.id.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				walk(prefix+"."+k, child)
			}
		case string:
			out[strings.TrimPrefix(prefix, ".")] = v
		default:
			t.Errorf("%s: not a text: %v", prefix, v)
		}
	}
	walk("", tree)
	return out
}

// keysInCode finds the keys the package's source names.
func keysInCode(t *testing.T) map[string]bool {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyLiteral.FindAllStringSubmatch(string(src), -1) {
			keys[m[1]] = true
		}
	}
	if len(keys) < 20 {
		t.Fatalf("only %d keys found in the source: the scan is broken", len(keys))
	}
	return keys
}

var keyLiteral = regexp.MustCompile(`"(impor\.[a-z_]+)"`)
