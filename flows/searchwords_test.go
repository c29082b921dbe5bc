package flows

import (
	"slices"
	"testing"
)

func TestIsGreeting(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"halo", "Halo!", "hai kak", "Selamat pagi", "selamat siang, Bu", "cara daftar?",
		"Bagaimana cara mendaftar", "apakah ada pelatihan pengadaan?", "Assalamualaikum wr wb", "terima kasih"} {
		if !isGreeting(s) {
			t.Errorf("%q is searched for", s)
		}
	}
	for _, s := range []string{"pengadaan barang", "latsar", "Manajemen Risiko", "selamatkan data", "halodoc", "tes wawasan"} {
		if isGreeting(s) {
			t.Errorf("%q opens the menu", s)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	t.Parallel()
	got := searchTerms("Latsar  pengadaan, PKP")
	want := [][]string{{"latsar", "latihan dasar"}, {"pengadaan"}, {"pkp", "kepemimpinan pengawas"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("searchTerms = %q, want %q", got, want)
	}
	for word, alts := range searchWords().Synonyms {
		if len(alts) == 0 || word != typedWords(word)[0] {
			t.Errorf("synonym %q: %q (a typed word is lower case and has none of the words around it)", word, alts)
		}
	}
	if len(searchWords().Greetings) == 0 {
		t.Error("no greetings read from locales/words/pencarian.yaml")
	}
}
