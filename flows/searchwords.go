package flows

import (
	"strings"
	"sync"
	"unicode"

	"github.com/bpsdm/asnbot/locales"
)

// searchWords are the greetings and synonyms of locales/words/pencarian.yaml, read once.
var searchWords = sync.OnceValue(locales.Search)

// typedWords are the lower-cased words of a text, without the punctuation around them.
func typedWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",.!?;:()\"", r)
	})
}

// isGreeting says whether text typed outside a conversation greets or asks rather than names
// a training: it ends with a question mark, or starts with a greeting or a question word
// ("halo", "selamat pagi", "cara daftar?"). Searching for it found nothing and said so, as if
// the person had looked for a course called "halo".
func isGreeting(text string) bool {
	if strings.HasSuffix(strings.TrimSpace(text), "?") {
		return true
	}
	joined := strings.Join(typedWords(text), " ")
	for _, g := range searchWords().Greetings {
		if joined == g || strings.HasPrefix(joined, g+" ") {
			return true
		}
	}
	return false
}

// searchTerms turns a query into what the catalogue matches: each typed word, with the words
// it also finds ("latsar" finds "latihan dasar", "webinar" the online courses). A course
// matches when every term has one of its words in the title, code, category or method.
func searchTerms(query string) [][]string {
	var terms [][]string
	for _, w := range typedWords(query) {
		if alts, ok := searchWords().Synonyms[w]; ok {
			terms = append(terms, alts)
			continue
		}
		terms = append(terms, []string{w})
	}
	return terms
}
