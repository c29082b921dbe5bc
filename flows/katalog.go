package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
		return "k:s:" + strconv.Itoa(v.Page) + ":" + cutBytes(v.Query, 40)
	}
	return "k:l:" + strconv.Itoa(v.Page) + ":" + v.Category + ":" + v.Method
}

func parseListView(data string) (listView, bool) {
	if rest, ok := strings.CutPrefix(data, "k:s:"); ok {
		page, q, ok := strings.Cut(rest, ":")
		n, err := strconv.Atoi(page)
		return listView{Page: n, Query: q}, ok && err == nil && n >= 0
	}
	rest, ok := strings.CutPrefix(data, "k:l:")
	page, rest, ok2 := strings.Cut(rest, ":")
	last := strings.LastIndex(rest, ":")
	if !ok || !ok2 || last < 0 {
		return listView{}, false
	}
	// The page comes first and the method last; the category between may itself hold a colon.
	n, err := strconv.Atoi(page)
	return listView{Page: n, Category: rest[:last], Method: rest[last+1:]}, err == nil && n >= 0
}

// cutBytes shortens s to at most n bytes without splitting a character.
func cutBytes(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// catalogPage renders a page of the catalogue.
func (c *conv) catalogPage(v listView, edit bool) error {
	now := c.e.now()
	list, total, err := c.e.catalog.Courses(c.ctx, CourseFilter{Category: v.Category, Method: v.Method, Query: v.Query,
		Now: now, Offset: v.Page * pageSize, Limit: pageSize})
	if err != nil {
		return fmt.Errorf("catalogue page: %w", err)
	}
	pages := max((total+pageSize-1)/pageSize, 1)
	if v.Page >= pages && total > 0 {
		v.Page = pages - 1
		return c.catalogPage(v, edit)
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
		r.Buttons = [][]Button{{Btn("katalog.semua", "k:l:0::")}, {Btn("menu.kembali", "m:home")}}
		c.say(r)
		return nil
	}
	lines := make([]Text, 0, len(list))
	var rows [][]Button
	for i, s := range list {
		n := v.Page*pageSize + i + 1
		b := s.NextBatch
		lines = append(lines, T("katalog.baris", "N", n, "Title", s.Course.Title, "Category", s.Course.Category,
			"Method", T("metode."+s.Course.Method), "JP", s.Course.JP, "Start", dateOnly(b.StartsAt.In(b.Zone()))))
		rows = append(rows, []Button{{Label: Raw(fmt.Sprintf("%d. %s", n, cutRunes(s.Course.Title, 40))), Data: "k:c:" + s.Course.Code}})
	}
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
			{Label: T("katalog.filter_kategori"), Data: "k:fc:" + v.Method},
			{Label: T("katalog.filter_metode"), Data: "k:fm:" + v.Category},
		})
	} else {
		rows = append(rows, []Button{Btn("katalog.semua", "k:l:0::")})
	}
	rows = append(rows, []Button{Btn("menu.kembali", "m:home")})
	r.Text = T("katalog.judul", "Page", v.Page+1, "Pages", pages, "Total", total, "Filter", c.filterText(v))
	r.Parts = []Text{joinLines(lines), T("katalog.petunjuk")}
	r.Buttons = rows
	c.say(r)
	return nil
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

// categoryChooser lists the categories on offer; method is the method filter to keep.
func (c *conv) categoryChooser(method string) error {
	cats, err := c.e.catalog.Categories(c.ctx, c.e.now())
	if err != nil {
		return fmt.Errorf("categories: %w", err)
	}
	rows := [][]Button{{Btn("katalog.semua_kategori", "k:l:0::"+method)}}
	for _, cat := range cats {
		rows = append(rows, []Button{{Label: Raw(cat), Data: "k:l:0:" + cat + ":" + method}})
	}
	rows = append(rows, []Button{Btn("umum.kembali", "k:l:0::"+method)})
	c.say(Reply{Edit: true, Text: T("katalog.pilih_kategori"), Buttons: rows})
	return nil
}

// methodChooser lists the methods; category is the category filter to keep.
func (c *conv) methodChooser(category string) {
	rows := [][]Button{{Btn("katalog.semua_metode", "k:l:0:"+category+":")}}
	for _, m := range Methods {
		rows = append(rows, []Button{{Label: T("metode." + m), Data: "k:l:0:" + category + ":" + m}})
	}
	rows = append(rows, []Button{Btn("umum.kembali", "k:l:0:"+category+":")})
	c.say(Reply{Edit: true, Text: T("katalog.pilih_metode"), Buttons: rows})
}

// search shows the courses matching what the user typed.
func (c *conv) search(query string) error {
	query = cutBytes(collapseSpaces(strings.ReplaceAll(query, ":", " ")), 40)
	if utf8.RuneCountInString(query) < 2 {
		c.say(Reply{Text: T("katalog.cari_pendek")})
		return nil
	}
	return c.catalogPage(listView{Query: query}, false)
}

// catalogCallback handles the catalogue's buttons.
func (c *conv) catalogCallback() error {
	data := c.in.Data
	if v, ok := parseListView(data); ok {
		return c.catalogPage(v, true)
	}
	switch {
	case strings.HasPrefix(data, "k:fc:"):
		return c.categoryChooser(strings.TrimPrefix(data, "k:fc:"))
	case strings.HasPrefix(data, "k:fm:"):
		c.methodChooser(strings.TrimPrefix(data, "k:fm:"))
		return nil
	case strings.HasPrefix(data, "k:c:"):
		return c.courseDetail(strings.TrimPrefix(data, "k:c:"), true)
	case strings.HasPrefix(data, "k:b:"), strings.HasPrefix(data, "k:y:"):
		id, err := strconv.ParseInt(data[4:], 10, 64)
		if err != nil {
			c.expired()
			return nil
		}
		if data[2] == 'b' {
			return c.confirmEnrol(id)
		}
		return c.enrol(id)
	}
	c.expired()
	return nil
}

// courseDetail shows everything needed to decide, and a button per batch that takes enrolments.
func (c *conv) courseDetail(code string, edit bool) error {
	course, batches, err := c.e.catalog.Course(c.ctx, code)
	if errors.Is(err, ErrNotFound) {
		c.say(Reply{Edit: edit, Text: T("katalog.tidak_ditemukan"), Buttons: [][]Button{{Btn("katalog.semua", "k:l:0::")}}})
		return nil
	}
	if err != nil {
		return fmt.Errorf("course: %w", err)
	}
	mine := map[int64]Enrolment{}
	if c.registered() {
		list, err := c.e.catalog.Enrolments(c.ctx, c.p.ID)
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
		rows = append(rows, []Button{{Label: T(key, "Batch", b.Name), Data: "k:b:" + strconv.FormatInt(b.ID, 10)}})
	}
	if len(lines) == 0 {
		lines = append(lines, T("katalog.tanpa_angkatan"))
	}
	rows = append(rows, []Button{Btn("katalog.kembali", "k:l:0::"), Btn("menu.kembali", "m:home")})
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
		"Place", placeText(b), "Status", status)
}

// placeText is where a batch happens: an address, an online link, or both.
func placeText(b Batch) Text {
	switch {
	case b.Location != "" && b.OnlineURL != "":
		return T("katalog.tempat_keduanya", "Location", b.Location, "URL", b.OnlineURL)
	case b.OnlineURL != "":
		return T("katalog.tempat_daring", "URL", b.OnlineURL)
	}
	return T("katalog.tempat_lokasi", "Location", b.Location)
}

// joinLines joins texts as separate lines of one paragraph.
func joinLines(lines []Text) Text { return T("umum.baris", "Lines", lines) }

func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
