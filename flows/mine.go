package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// myTrainings lists the participant's enrolments: upcoming, waiting, and past.
func (c *conv) myTrainings(edit bool) error {
	list, err := c.e.catalog.Enrolments(c.ctx, c.p.ID)
	if err != nil {
		return fmt.Errorf("enrolments: %w", err)
	}
	now := c.e.now()
	var upcoming, waiting, past []Text
	var rows [][]Button
	for _, e := range list {
		b := e.Batch
		line := T("saya.baris", "Title", e.Course.Title, "Batch", b.Name, "Start", b.StartsAt.In(b.Zone()))
		switch {
		case e.Status == Registered && now.Before(b.StartsAt):
			upcoming = append(upcoming, line)
		case e.Status == Waiting && now.Before(b.StartsAt):
			waiting = append(waiting, T("saya.baris_tunggu", "Line", line, "Position", e.Position))
		default:
			past = append(past, T("saya.baris_riwayat", "Line", line, "Status", T("status."+string(e.Status))))
			continue
		}
		rows = append(rows, []Button{{Label: T("saya.tombol_batal", "Title", cutRunes(e.Course.Title, 24), "Batch", b.Name),
			Data: "s:x:" + strconv.FormatInt(e.ID, 10)}})
	}
	rows = append(rows, []Button{Btn("menu.katalog", "m:katalog"), Btn("menu.kembali", "m:home")})
	r := Reply{Edit: edit, Text: T("saya.judul"), Buttons: rows}
	if len(list) == 0 {
		r.Parts = []Text{T("saya.kosong")}
		c.say(r)
		return nil
	}
	for _, sec := range []struct {
		key   string
		lines []Text
	}{{"saya.akan_datang", upcoming}, {"saya.daftar_tunggu", waiting}, {"saya.riwayat", lastN(past, 5)}} {
		if len(sec.lines) > 0 {
			r.Parts = append(r.Parts, T(sec.key, "Lines", sec.lines))
		}
	}
	c.say(r)
	return nil
}

func lastN(l []Text, n int) []Text {
	if len(l) > n {
		return l[len(l)-n:]
	}
	return l
}

// myCallback handles the buttons of "Pelatihan Saya".
func (c *conv) myCallback() error {
	data := c.in.Data
	if data == "s:l" {
		return c.myTrainings(true)
	}
	id, err := strconv.ParseInt(data[min(4, len(data)):], 10, 64)
	if err != nil || !(strings.HasPrefix(data, "s:x:") || strings.HasPrefix(data, "s:y:")) {
		c.expired()
		return nil
	}
	e, err := c.e.catalog.Enrolment(c.ctx, c.p.ID, id)
	if errors.Is(err, ErrNotFound) {
		c.expired()
		return nil
	}
	if err != nil {
		return fmt.Errorf("enrolment: %w", err)
	}
	if !e.Live() || !c.e.now().Before(e.Batch.StartsAt) {
		c.say(Reply{Edit: true, Text: T("batal_daftar.tidak_bisa"), Buttons: [][]Button{{Btn("menu.saya", "s:l")}}})
		return nil
	}
	if strings.HasPrefix(data, "s:x:") {
		c.say(Reply{Edit: true, Text: T("batal_daftar.tanya", "Title", e.Course.Title, "Batch", e.Batch.Name),
			Buttons: [][]Button{{Btn("batal_daftar.ya", "s:y:"+strconv.FormatInt(e.ID, 10))}, {Btn("umum.kembali", "s:l")}}})
		return nil
	}
	return c.cancelEnrolment(e)
}

func (c *conv) cancelEnrolment(e Enrolment) error {
	// Whoever moves up is told by the delivery worker, from a job written with the cancellation.
	done, _, err := c.e.catalog.Cancel(c.ctx, c.p.ID, e.ID, c.e.now())
	if errors.Is(err, ErrNotCancellable) {
		c.say(Reply{Edit: true, Text: T("batal_daftar.tidak_bisa"), Buttons: [][]Button{{Btn("menu.saya", "s:l")}}})
		return nil
	}
	if err != nil {
		return fmt.Errorf("cancel: %w", err)
	}
	c.say(Reply{Edit: true, Text: T("batal_daftar.selesai", "Title", done.Course.Title, "Batch", done.Batch.Name),
		Buttons: [][]Button{{Btn("menu.saya", "s:l"), Btn("menu.kembali", "m:home")}}})
	return nil
}

// PromotionReplies are the messages telling a participant they moved up from the waiting list:
// the news, and the calendar file.
func PromotionReplies(p Promotion, now time.Time) []Reply {
	e := p.Enrolment
	z := e.Batch.Zone()
	return []Reply{
		{Text: T("daftar_angkatan.naik", "Name", p.Name, "Title", e.Course.Title, "Batch", e.Batch.Name,
			"Start", e.Batch.StartsAt.In(z), "End", e.Batch.EndsAt.In(z), "Place", placeText(e.Batch)),
			Buttons: [][]Button{{Btn("menu.saya", "s:l")}}},
		{File: &File{Name: "pelatihan-" + e.Course.Code + ".ics", Content: calendarFile(e, now),
			Caption: T("daftar_angkatan.kalender")}},
	}
}
