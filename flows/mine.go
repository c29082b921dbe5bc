package flows

import (
	"errors"
	"fmt"
)

// myTrainings lists the participant's enrolments: upcoming, waiting, and past.
func (c *conv) myTrainings(edit bool) error {
	list, err := c.e.store.Enrolments(c.ctx, c.p.ID)
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
			Data: cb(nsMine, "x", e.ID)}})
	}
	rows = append(rows, []Button{Btn("menu.katalog", cb(nsMenu, "katalog")), homeButton()})
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

func (c *conv) myTrainingsCommand() error { return c.myTrainings(false) }
func (c *conv) myTrainingsPage() error    { return c.myTrainings(true) }

// backToMine is the button back to "Pelatihan Saya".
func backToMine() Button { return Btn("menu.saya", cb(nsMine, "l")) }

// cancellable loads the enrolment a button names ("s:x:<id>", "s:y:<id>"); ok is false when
// the button was answered because the enrolment is gone or can no longer be cancelled.
func (c *conv) cancellable() (e Enrolment, ok bool, err error) {
	id, valid := c.data.id(0)
	if !valid {
		return e, false, c.expired()
	}
	e, err = c.e.store.Enrolment(c.ctx, c.p.ID, id)
	if errors.Is(err, ErrNotFound) {
		return e, false, c.expired()
	}
	if err != nil {
		return e, false, fmt.Errorf("enrolment: %w", err)
	}
	if !e.Live() || !c.e.now().Before(e.Batch.StartsAt) {
		c.say(Reply{Edit: true, Text: T("batal_daftar.tidak_bisa"), Buttons: [][]Button{{backToMine()}}})
		return e, false, nil
	}
	return e, true, nil
}

// askCancel asks once before cancelling an enrolment ("s:x:<id>").
func (c *conv) askCancel() error {
	e, ok, err := c.cancellable()
	if !ok {
		return err
	}
	c.say(Reply{Edit: true, Text: T("batal_daftar.tanya", "Title", e.Course.Title, "Batch", e.Batch.Name),
		Buttons: [][]Button{{Btn("batal_daftar.ya", cb(nsMine, "y", e.ID))}, {Btn("umum.kembali", cb(nsMine, "l"))}}})
	return nil
}

// cancelEnrolment cancels after the confirmation ("s:y:<id>"). Whoever moves up from the
// waiting list is told by a notice written with the cancellation.
func (c *conv) cancelEnrolment() error {
	e, ok, err := c.cancellable()
	if !ok {
		return err
	}
	done, _, err := c.e.store.Cancel(c.ctx, c.p.ID, e.ID, c.e.now())
	if errors.Is(err, ErrNotCancellable) {
		c.say(Reply{Edit: true, Text: T("batal_daftar.tidak_bisa"), Buttons: [][]Button{{backToMine()}}})
		return nil
	}
	if err != nil {
		return fmt.Errorf("cancel: %w", err)
	}
	c.say(Reply{Edit: true, Text: T("batal_daftar.selesai", "Title", done.Course.Title, "Batch", done.Batch.Name),
		Buttons: [][]Button{{backToMine(), homeButton()}}})
	return nil
}
