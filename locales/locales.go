// Package locales holds every word a user reads, in Indonesian, embedded in the binary and
// looked up by key. Texts are go-i18n messages in YAML files named <area>.id.yaml; a value is
// a Go text/template rendered with the arguments the flows give.
package locales

import (
	"embed"
	"fmt"
	"html"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

//go:embed *.yaml
var files embed.FS

//go:embed templates/*.yaml
var templates embed.FS

// DefaultSurvey is the survey template shipped with the bot (templates/): the evaluation of a
// training's organisation, its trainers and the IKM, in Indonesian.
func DefaultSurvey() []byte {
	b, err := templates.ReadFile("templates/evaluasi-penyelenggaraan.yaml")
	if err != nil {
		panic(err) // the embed pattern guarantees the file
	}
	return b
}

// Lang is the language of every text: Indonesian.
var Lang = language.Indonesian

// HTML is text that is already safe for Telegram's HTML parse mode and must not be escaped
// again (a text rendered from another key, for instance).
type HTML string

// Texts renders texts by key. It is safe for concurrent use.
type Texts struct {
	localizer *i18n.Localizer
	keys      map[string]bool
}

var (
	defaultOnce  sync.Once
	defaultTexts *Texts
	defaultErr   error
)

// Load parses the embedded locale files once and returns the shared texts.
func Load() (*Texts, error) {
	defaultOnce.Do(func() { defaultTexts, defaultErr = load(files) })
	return defaultTexts, defaultErr
}

// MustLoad is Load for program start and tests, where a broken locale file is a build error.
func MustLoad() *Texts {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (*Texts, error) {
	bundle := i18n.NewBundle(Lang)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list locale files: %w", err)
	}
	keys := map[string]bool{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		mf, err := bundle.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			if keys[m.ID] {
				return nil, fmt.Errorf("%s: key %q is defined twice", name, m.ID)
			}
			keys[m.ID] = true
		}
	}
	return &Texts{localizer: i18n.NewLocalizer(bundle, Lang.String()), keys: keys}, nil
}

// Has reports whether key has a text.
func (c *Texts) Has(key string) bool { return c.keys[key] }

// Keys lists every key, sorted.
func (c *Texts) Keys() []string {
	out := make([]string, 0, len(c.keys))
	for k := range c.keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Render returns the text of key with args, ready for Telegram's HTML parse mode: string
// arguments are escaped (they may be what a user typed), HTML arguments are kept as they are.
func (c *Texts) Render(key string, args map[string]any) (string, error) {
	if !c.keys[key] {
		return "", fmt.Errorf("locale key %q has no text", key)
	}
	data := make(map[string]any, len(args))
	for k, v := range args {
		switch v := v.(type) {
		case string:
			data[k] = html.EscapeString(v)
		case HTML:
			data[k] = string(v)
		default:
			data[k] = v
		}
	}
	s, err := c.localizer.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return "", fmt.Errorf("render %q: %w", key, err)
	}
	if strings.Contains(s, "<no value>") {
		return "", fmt.Errorf("render %q: a template argument is missing", key)
	}
	return s, nil
}

// Plain renders key for places that take no markup (button labels, callback answers):
// the same text, with user-supplied arguments left unescaped.
func (c *Texts) Plain(key string, args map[string]any) (string, error) {
	if !c.keys[key] {
		return "", fmt.Errorf("locale key %q has no text", key)
	}
	data := make(map[string]any, len(args))
	for k, v := range args {
		data[k] = v
	}
	s, err := c.localizer.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return "", fmt.Errorf("render %q: %w", key, err)
	}
	return s, nil
}

//go:embed words/pencarian.yaml
var searchWords []byte

// SearchWords are the words of locales/words/pencarian.yaml: what typed text is a greeting or
// a question rather than a search, and the words a typed word also finds.
type SearchWords struct {
	Greetings []string            `yaml:"sapaan"`
	Synonyms  map[string][]string `yaml:"sinonim"`
}

// Search reads the embedded search words; a broken file is a build error, found by the tests.
func Search() SearchWords {
	var w SearchWords
	if err := yaml.Unmarshal(searchWords, &w); err != nil {
		panic(fmt.Errorf("locales/words/pencarian.yaml: %w", err))
	}
	return w
}
