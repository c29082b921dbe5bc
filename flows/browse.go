package flows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// pageSize is how many courses one catalogue page shows: what fits a phone screen.
const pageSize = 5

// maxBatchesShown bounds a course page: its text and buttons must fit one message.
const maxBatchesShown = 6

// listView is one page of the catalogue, under the filters in force. It travels in callback
// data, so every button still works after a restart or on another replica.
type listView struct {
	Page     int
	Category string
	Method   string
	Query    string
}

// data encodes the view as callback data ("k:l:<page>:<category>:<method>" or, for a search,
// "k:s:<page>:<query>"); Telegram allows 64 bytes, so a long query is cut.
func (v listView) data() string {
	if v.Query != "" {
		return cb(nsBrowse, "s", v.Page, cutBytes(v.Query, 40))
	}
	return cb(nsBrowse, "l", v.Page, v.Category, v.Method)
}

// allCourses is the first page of the catalogue without filters.
var allCourses = listView{}.data()

func parseListView(s string) (listView, bool) {
	d := parseData(s)
	page, rest, ok := strings.Cut(d.args, ":")
	n, err := strconv.Atoi(page)
	if d.ns != nsBrowse || !ok || err != nil || n < 0 {
		return listView{}, false
	}
	switch d.action {
	case "s":
		return listView{Page: n, Query: rest}, true
	case "l":
		// The method comes last; the category before it may itself hold a colon.
		if last := strings.LastIndex(rest, ":"); last >= 0 {
			// Only a method the catalogue knows: a forged one ("k:l:0::😀") named a locale key
			// that does not exist, and the page's reply failed to render, the user left with
			// nothing but a stopped spinner (TestFaultBadInputAtVolumeLong).
			method := rest[last+1:]
			if method != "" && !slices.Contains(catalogfile.Methods, method) {
				return listView{}, false
			}
			return listView{Page: n, Category: rest[:last], Method: method}, true
		}
	}
	return listView{}, false
}

// listPage renders a page of the catalogue.
func (c *conv) listPage(v listView, edit bool) error {
	now := c.e.now()
	list, total, err := c.e.store.Courses(c.ctx, CourseFilter{Category: v.Category, Method: v.Method, Query: v.Query,
		Terms: searchTerms(v.Query), Now: now, Offset: v.Page * pageSize, Limit: pageSize})
	if err != nil {
		return fmt.Errorf("catalogue page: %w", err)
	}
	pages := max((total+pageSize-1)/pageSize, 1)
	if v.Page >= pages && total > 0 {
		v.Page = pages - 1
		return c.listPage(v, edit)
	}
	r := Reply{Edit: edit}
	if total == 0 {
		switch {
		case v.Query != "":
			r.Text = T("katalog.cari_kosong", "Query", v.Query)
		case v.Category != "" || v.Method != "":
			r.Text = T("katalog.filter_kosong", "Filter", c.filterText(v))
		default:
			r.Text = T("katalog.tidak_ada")
		}
		r.Buttons = [][]Button{{Btn("katalog.semua", allCourses)}, {homeButton()}}
		c.say(r)
		return nil
	}
	lines := make([]Text, 0, len(list))
	// One row of number buttons: a title on a button is cut to a few words on a phone, while
	// the numbered lines above carry the whole of it.
	numbers := make([]Button, 0, len(list))
	for i, s := range list {
		n := v.Page*pageSize + i + 1
		b := s.NextBatch
		lines = append(lines, T("katalog.baris", "N", n, "Title", s.Course.Title, "Method", T("metode."+s.Course.Method),
			"Where", whereText(b), "JP", s.Course.JP, "Start", dateOnly(b.StartsAt.In(b.Zone())), "Left", b.SeatsLeft()))
		numbers = append(numbers, Button{Label: Raw(strconv.Itoa(n)), Data: cb(nsBrowse, "c", s.Course.Code)})
	}
	rows := [][]Button{numbers}
	var nav []Button
	if v.Page > 0 {
		prev := v
		prev.Page--
		nav = append(nav, Button{Label: T("katalog.sebelumnya"), Data: prev.data()})
	}
	if v.Page+1 < pages {
		next := v
		next.Page++
		nav = append(nav, Button{Label: T("katalog.berikutnya"), Data: next.data()})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	if v.Query == "" {
		rows = append(rows, []Button{
			{Label: T("katalog.filter_kategori"), Data: cb(nsBrowse, "fc", v.Method)},
			{Label: T("katalog.filter_metode"), Data: cb(nsBrowse, "fm", v.Category)},
		})
	} else {
		rows = append(rows, []Button{Btn("katalog.semua", allCourses)})
	}
	rows = append(rows, []Button{homeButton()})
	r.Text = T("katalog.judul", "Page", v.Page+1, "Pages", pages, "Total", total, "Filter", c.filterText(v))
	r.Parts = []Text{joinLines(lines), T("katalog.petunjuk")}
	r.Buttons = rows
	c.say(r)
	return nil
}

// whereText is where a batch happens in a word or two, for a catalogue line: the city (the
// last part of the address, "…, Semarang"), "daring", or both.
func whereText(b Batch) Text {
	city := ""
	if parts := strings.Split(b.Location, ","); b.Location != "" {
		city = cutRunes(strings.TrimSpace(parts[len(parts)-1]), 24)
	}
	return T("katalog.di", "City", city, "Online", b.OnlineURL != "" || city == "")
}

// filterText says which filters are in force.
func (c *conv) filterText(v listView) Text {
	switch {
	case v.Query != "":
		return T("katalog.filter_cari", "Query", v.Query)
	case v.Category != "" && v.Method != "":
		return T("katalog.filter_keduanya", "Category", v.Category, "Method", T("metode."+v.Method))
	case v.Category != "":
		return T("katalog.filter_satu", "Value", v.Category)
	case v.Method != "":
		return T("katalog.filter_satu", "Value", T("metode."+v.Method))
	}
	return T("katalog.filter_semua")
}

// openCatalogue answers /katalog: the first page, unfiltered.
func (c *conv) openCatalogue() error { return c.listPage(listView{}, false) }

// catalogueFromMenu opens the catalogue in place of the menu.
func (c *conv) catalogueFromMenu() error { return c.listPage(listView{}, true) }

// turnPage shows the page a button names ("k:l:…", "k:s:…").
func (c *conv) turnPage() error {
	v, ok := parseListView(c.in.Data)
	if !ok {
		return c.expired()
	}
	return c.listPage(v, true)
}

// categoryChooser lists the categories on offer ("k:fc:<method>"), keeping the method filter.
func (c *conv) categoryChooser() error {
	method := c.data.rest(0)
	cats, err := c.e.store.Categories(c.ctx, c.e.now())
	if err != nil {
		return fmt.Errorf("categories: %w", err)
	}
	every := listView{Method: method}.data()
	rows := [][]Button{{Btn("katalog.semua_kategori", every)}}
	for _, cat := range cats {
		rows = append(rows, []Button{{Label: Raw(cat), Data: listView{Category: cat, Method: method}.data()}})
	}
	rows = append(rows, []Button{Btn("umum.kembali", every)})
	c.say(Reply{Edit: true, Text: T("katalog.pilih_kategori"), Buttons: rows})
	return nil
}

// methodChooser lists the methods ("k:fm:<category>"), keeping the category filter.
func (c *conv) methodChooser() error {
	category := c.data.rest(0)
	every := listView{Category: category}.data()
	rows := [][]Button{{Btn("katalog.semua_metode", every)}}
	for _, m := range catalogfile.Methods {
		rows = append(rows, []Button{{Label: T("metode." + m), Data: listView{Category: category, Method: m}.data()}})
	}
	rows = append(rows, []Button{Btn("umum.kembali", every)})
	c.say(Reply{Edit: true, Text: T("katalog.pilih_metode"), Buttons: rows})
	return nil
}

// search shows the courses matching what the user typed: words typed while nothing is asked.
func (c *conv) search() error {
	if code, ok := attendanceCode(c.in.Text); ok {
		return c.checkIn(code) // six digits: the check-in code on the screen, not a search
	}
	if isGreeting(c.in.Text) {
		r := c.menu()
		r.Parts = append(r.Parts, T("katalog.sapaan"))
		c.say(r)
		return nil
	}
	query := cutBytes(collapseSpaces(strings.ReplaceAll(c.in.Text, ":", " ")), 40)
	if utf8.RuneCountInString(query) < 2 {
		c.say(Reply{Text: T("katalog.cari_pendek")})
		return nil
	}
	return c.listPage(listView{Query: query}, false)
}

// coursePage shows the course a button names ("k:c:<code>").
func (c *conv) coursePage() error { return c.courseDetail(c.data.rest(0), true) }

// courseDetail shows everything needed to decide, and a button per batch that takes enrolments.
func (c *conv) courseDetail(code string, edit bool) error {
	course, batches, err := c.e.store.Course(c.ctx, code)
	if errors.Is(err, ErrNotFound) {
		c.say(Reply{Edit: edit, Text: T("katalog.tidak_ditemukan"), Buttons: [][]Button{{Btn("katalog.semua", allCourses)}}})
		return nil
	}
	if err != nil {
		return fmt.Errorf("course: %w", err)
	}
	mine := map[int64]Enrolment{}
	if c.registered() {
		list, err := c.e.store.Enrolments(c.ctx, c.p.ID)
		if err != nil {
			return fmt.Errorf("enrolments: %w", err)
		}
		for _, e := range list {
			if e.Live() {
				mine[e.Batch.ID] = e
			}
		}
	}
	now := c.e.now()
	var lines []Text
	var rows [][]Button
	upcoming := batches[:0:0]
	for _, b := range batches {
		if now.Before(b.StartsAt) || mine[b.ID].Live() {
			upcoming = append(upcoming, b) // past batches are history, not choices
		}
	}
	batches = upcoming
	if len(batches) > maxBatchesShown {
		// A message holds 4,096 characters: the soonest batches are the ones that matter.
		batches = batches[:maxBatchesShown]
	}
	for _, b := range batches {
		lines = append(lines, c.batchLine(b, mine[b.ID], now))
		if _, enrolled := mine[b.ID]; enrolled || b.Availability(now) != nil {
			continue
		}
		key := "katalog.tombol_daftar"
		if b.Full() {
			key = "katalog.tombol_tunggu"
		}
		rows = append(rows, []Button{{Label: T(key, "Batch", b.Name), Data: cb(nsBrowse, "b", b.ID)}})
	}
	if len(lines) == 0 {
		lines = append(lines, T("katalog.tanpa_angkatan"))
	}
	rows = append(rows, []Button{Btn("katalog.kembali", allCourses), homeButton()})
	c.say(Reply{Edit: edit, Text: courseText(course), Parts: append([]Text{T("katalog.angkatan_judul")}, lines...), Buttons: rows})
	return nil
}

func courseText(course Course) Text {
	return T("katalog.detail", "Title", course.Title, "Code", course.Code, "Category", course.Category,
		"Method", T("metode."+course.Method), "JP", course.JP, "Audience", course.Audience, "Description", course.Description)
}

// batchLine describes a batch: dates in its own zone, place, seats, registration.
func (c *conv) batchLine(b Batch, mine Enrolment, now time.Time) Text {
	zone := b.Zone()
	status := T("katalog.sisa_kursi", "Left", b.SeatsLeft(), "Quota", b.Quota, "Closes", dateOnly(b.RegClosesAt.In(zone)))
	switch err := b.Availability(now); {
	case mine.Status == Registered:
		status = T("katalog.anda_terdaftar")
	case mine.Status == Waiting:
		status = T("katalog.anda_menunggu", "Position", mine.Position)
	case err == nil && b.Full():
		status = T("katalog.penuh", "Waiting", b.Waiting)
	case err != nil && now.Before(b.RegOpensAt):
		status = T("katalog.belum_dibuka", "Opens", b.RegOpensAt.In(zone))
	case err != nil:
		status = T("katalog.ditutup")
	}
	return T("katalog.angkatan", "Name", b.Name, "Start", b.StartsAt.In(zone), "End", b.EndsAt.In(zone),
		"Place", publicPlace(b), "Status", status)
}
