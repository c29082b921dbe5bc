package flows

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// Callback data comes back from Telegram as the client sent it: old buttons, other versions,
// forged presses. Decoding must never panic and must agree with what cb wrote.

// FuzzParseData decodes arbitrary callback data and checks the decoder's own contract: ns and
// action are the first two colon-separated fields, args everything after them; arg(i) is the
// i-th field (never with a colon), rest(i) the fields from the i-th on; id(i) is a positive
// number of arg(i) or not ok. The catalogue's page data (parseListView) is decoded too: what
// it accepts encodes back to data that decodes to the same view.
func FuzzParseData(f *testing.F) {
	for _, s := range []string{
		// TestCallbackData and TestListViewRoundTrip.
		cb(nsMenu, "home"), cb(nsBrowse, "b", int64(42)), cb(nsSchedule, "s", int64(7), 3),
		cb(nsBrowse, "l", 0, "Manajerial: Dasar", "daring"), cb(nsRank, "III/a"), "k:b:abc", "nonsense",
		"k:l:x::", "k:l:1", "k:s:-1:a", "k:x:1::", "k:l:0::😀", allCourses, listView{Page: 3, Query: "pengadaan barang"}.data(),
		// Buttons the flows make, and edges.
		cb(nsSurvey, "a", int64(12), 3, 4), cb(nsClaim, "f"), cb(nsOnboarding, "ok"), cb(nsDelete, "ya"),
		"", ":", "::", ":::", "k::", "k:l:0:a:b:luring", "v:a:9223372036854775807:0:1", "v:a:-5", "v:a:+5",
		"v:a:0x10", "j:s:00042:1", "\xff:\xfe:\xfd",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := parseData(s)
		fields := strings.Split(s, ":")
		if d.ns != fields[0] {
			t.Fatalf("%q: ns %q, want %q", s, d.ns, fields[0])
		}
		var want []string // the argument fields
		switch len(fields) {
		case 1:
			if d.action != "" || d.args != "" {
				t.Fatalf("%q: no colon, yet action %q args %q", s, d.action, d.args)
			}
		default:
			want = fields[2:]
			if d.action != fields[1] || d.args != strings.Join(want, ":") {
				t.Fatalf("%q: action %q args %q", s, d.action, d.args)
			}
			// Nothing is lost: the data is the three parts joined again.
			if again := d.ns + ":" + d.action + strings.Repeat(":", min(len(want), 1)) + d.args; again != s {
				t.Fatalf("%q: decodes to %+v, which reads %q", s, d, again)
			}
		}
		// An empty argument list has no fields: "k:b:" and "k:b" read alike.
		if d.args == "" {
			want = nil
		}
		for i := range len(want) + 2 {
			arg, rest := "", ""
			if i < len(want) {
				arg, rest = want[i], strings.Join(want[i:], ":")
			}
			if got := d.arg(i); got != arg {
				t.Fatalf("%q: arg(%d) = %q, want %q", s, i, got, arg)
			}
			if got := d.rest(i); got != rest {
				t.Fatalf("%q: rest(%d) = %q, want %q", s, i, got, rest)
			}
			n, ok := d.id(i)
			if p, err := strconv.ParseInt(arg, 10, 64); ok != (err == nil && p > 0) || ok && n != p {
				t.Fatalf("%q: id(%d) = %d, %v for argument %q", s, i, n, ok, arg)
			}
		}

		v, ok := parseListView(s)
		if !ok {
			if v != (listView{}) {
				t.Fatalf("%q: refused, yet %+v", s, v)
			}
			return
		}
		if d.ns != nsBrowse || (d.action != "l" && d.action != "s") || v.Page < 0 ||
			(v.Method != "" && !slices.Contains(catalogfile.Methods, v.Method)) {
			t.Fatalf("%q: accepted as %+v", s, v)
		}
		// A view accepted encodes to data that decodes to it (the query as data() cuts it).
		want2 := v
		want2.Query = cutBytes(v.Query, 40)
		if want2.Query != "" {
			want2.Category, want2.Method = "", ""
		}
		if got, ok := parseListView(v.data()); !ok || got != want2 {
			t.Fatalf("%q: view %+v encodes to %q, which decodes to %+v, %v", s, v, v.data(), got, ok)
		}
	})
}

// FuzzCallbackRoundTrip encodes callback data with cb, as the flows do (a namespace, an
// action, record ids, small numbers, a word, and a free last argument that may hold colons),
// and checks that decoding gives back each value; and that a catalogue view survives data()
// and parseListView.
func FuzzCallbackRoundTrip(f *testing.F) {
	f.Add(nsSurvey, "a", int64(12), 3, "4", "", 0, "", "", "")
	f.Add(nsBrowse, "l", int64(0), 0, "Manajerial", "Dasar:daring", 2, "Teknis", "daring", "")
	f.Add(nsSchedule, "s", int64(7), -1, "", "x", 1, "Manajerial: Dasar", "", "")
	f.Add(nsRank, "III/a", int64(-3), 0, "a", "b:c:d", 3, "", "", "pengadaan barang")
	f.Add(nsClaim, "d", int64(9223372036854775807), 12, "", ":", 0, ":", "luring", strings.Repeat("kepemimpinan ", 10))
	f.Add("", "", int64(1), 0, "", "", 0, "", "", "ab😀cd")
	f.Fuzz(func(t *testing.T, ns, action string, id int64, n int, word, last string,
		page int, category, method, query string) {
		// The codec's contract: namespaces, actions and every argument but the last have no
		// colon (the flows write constants, ids and numbers there).
		if strings.Contains(ns, ":") || strings.Contains(action, ":") || strings.Contains(word, ":") {
			t.Skip()
		}
		check := func(s string, args []string) {
			t.Helper()
			d := parseData(s)
			if d.ns != ns || d.action != action {
				t.Fatalf("%q: ns %q action %q, want %q %q", s, d.ns, d.action, ns, action)
			}
			for i, a := range args {
				if i == len(args)-1 {
					if got := d.rest(i); got != a {
						t.Fatalf("%q: rest(%d) = %q, want %q", s, i, got, a)
					}
					a, _, _ = strings.Cut(a, ":")
				}
				if got := d.arg(i); got != a {
					t.Fatalf("%q: arg(%d) = %q, want %q", s, i, got, a)
				}
			}
			if len(args) > 0 && strings.Contains(args[len(args)-1], ":") {
				return // the last argument's own colons make more fields
			}
			if got := d.arg(len(args)); got != "" {
				t.Fatalf("%q: arg(%d) = %q past the last argument", s, len(args), got)
			}
		}
		check(cb(ns, action), nil)
		check(cb(ns, action, last), []string{last})
		s := cb(ns, action, id, n, word, last)
		check(s, []string{strconv.FormatInt(id, 10), strconv.Itoa(n), word, last})
		if got, ok := parseData(s).id(0); ok != (id > 0) || ok && got != id {
			t.Fatalf("%q: id(0) = %d, %v, want %d", s, got, ok, id)
		}
		if got, ok := parseData(s).id(1); ok != (n > 0) || ok && int64(n) != got {
			t.Fatalf("%q: id(1) = %d, %v, want %d", s, got, ok, n)
		}

		// A catalogue view: a page from 0, any category, a method the catalogue knows or none.
		methods := append([]string{""}, catalogfile.Methods...)
		v := listView{Page: page % 1000, Category: category, Method: methods[len(method)%len(methods)], Query: query}
		if v.Page < 0 {
			v.Page = -v.Page
		}
		want := v
		want.Query = cutBytes(v.Query, 40)
		if want.Query != "" {
			want.Category, want.Method = "", ""
		}
		if got, ok := parseListView(v.data()); !ok || got != want {
			t.Fatalf("%+v: %q decodes to %+v, %v; want %+v", v, v.data(), got, ok, want)
		}
	})
}
