package flows

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// mineSection is one part of "Pelatihan Saya", in the order a participant looks for them:
// what is on today, what is coming, where they wait, what they did.
type mineSection int

const (
	sectionNow mineSection = iota
	sectionUpcoming
	sectionWaiting
	sectionHistory
)

var sectionKeys = [...]string{"saya.berlangsung", "saya.akan_datang", "saya.daftar_tunggu", "saya.riwayat"}

// maxHistory bounds the history shown: a page that fits a phone screen.
const maxHistory = 5

// sectionOf places an enrolment at now: in progress while today is within the batch's days
// (in its own zone: a batch ending at 16.00 WIB is still "today" for its participants that
// evening), coming, waiting, or history.
func sectionOf(e Enrolment, now time.Time) mineSection {
	b := e.Batch
	seat := e.Status == Registered || e.Status == Attended
	switch {
	case b.Status == BatchCancelled || e.Status == Cancelled || e.Status == Completed:
		return sectionHistory
	case e.Status == Waiting && now.Before(b.StartsAt):
		return sectionWaiting
	case seat && now.Before(b.StartsAt):
		return sectionUpcoming
	case seat && !now.Before(b.StartsAt) && now.Before(dayOf(b.EndsAt.In(b.Zone())).AddDate(0, 0, 1)):
		return sectionNow
	}
	return sectionHistory
}

// myTrainings lists the participant's enrolments by section, each numbered; a number button
// opens its detail page, where the calendar file and cancelling are.
func (c *conv) myTrainings(edit bool) error {
	list, err := c.e.store.Enrolments(c.ctx, c.p.ID)
	if err != nil {
		return fmt.Errorf("enrolments: %w", err)
	}
	now := c.e.now()
	var sections [4][]Enrolment
	for _, e := range list {
		s := sectionOf(e, now)
		sections[s] = append(sections[s], e)
	}
	if h := sections[sectionHistory]; len(h) > maxHistory {
		sections[sectionHistory] = h[len(h)-maxHistory:] // the latest: the list is soonest first
	}
	r := Reply{Edit: edit, Text: T("saya.judul")}
	var numbers []Button
	n := 0
	for s, items := range sections {
		if len(items) == 0 {
			continue
		}
		lines := make([]Text, 0, len(items))
		for _, e := range items {
			n++
			lines = append(lines, c.mineLine(n, e, mineSection(s)))
			numbers = append(numbers, Button{Label: Raw(strconv.Itoa(n)), Data: cb(nsMine, "d", e.ID)})
		}
		r.Parts = append(r.Parts, T(sectionKeys[s], "Lines", lines))
	}
	if n == 0 {
		r.Parts = []Text{T("saya.kosong")}
	} else {
		r.Parts = append(r.Parts, T("saya.petunjuk"))
	}
	for len(numbers) > 0 { // five to a row, as the catalogue's
		k := min(len(numbers), 5)
		r.Buttons = append(r.Buttons, numbers[:k])
		numbers = numbers[k:]
	}
	r.Buttons = append(r.Buttons, []Button{Btn("jp.tombol", cb(nsMine, "jp"))},
		[]Button{Btn("menu.katalog", cb(nsMenu, "katalog")), homeButton()})
	c.say(r)
	return nil
}

// mineLine is one numbered training of "Pelatihan Saya".
func (c *conv) mineLine(n int, e Enrolment, s mineSection) Text {
	b := e.Batch
	z := b.Zone()
	return T("saya.baris", "N", n, "Title", e.Course.Title, "Batch", b.Name, "Start", dateOnly(b.StartsAt.In(z)),
		"End", dateOnly(b.EndsAt.In(z)), "Section", int(s), "Position", e.Position, "Status", T("status."+string(e.Status)),
		"Cancelled", b.Status == BatchCancelled)
}

func (c *conv) myTrainingsCommand() error { return c.myTrainings(false) }
func (c *conv) myTrainingsPage() error    { return c.myTrainings(true) }

// backToMine is the button back to "Pelatihan Saya".
func backToMine() Button { return Btn("menu.saya", cb(nsMine, "l")) }

// mine loads the participant's enrolment a button names ("s:…:<id>"); ok is false when the
// button was answered because the data is forged or the enrolment is not theirs.
func (c *conv) mine() (e Enrolment, ok bool, err error) {
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
	return e, true, nil
}

// trainingDetail is one training of "Pelatihan Saya" ("s:d:<id>"): its dates in the batch's
// zone, the place with a map link, and the online link for a seat holder only; JP; the
// calendar file again; and "Batalkan", behind a confirmation, while it can still be cancelled.
func (c *conv) trainingDetail() error {
	e, ok, err := c.mine()
	if !ok {
		return err
	}
	var cert *Certificate
	if e.Status == Completed {
		got, err := c.e.store.CertificateOf(c.ctx, e.ID)
		switch {
		case err == nil:
			cert = &got
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("certificate: %w", err)
		}
	}
	c.say(c.detailReply(e, cert))
	return nil
}

// detailReply is the page of one training; cert is its certificate, nil when none was issued.
func (c *conv) detailReply(e Enrolment, cert *Certificate) Reply {
	now := c.e.now()
	b := e.Batch
	z := b.Zone()
	seat := e.Status == Registered || e.Status == Attended || e.Status == Completed
	place := publicPlace(b)
	if seat {
		place = placeText(b)
	}
	var status Text
	switch {
	case b.Status == BatchCancelled:
		status = T("saya.status_batal_angkatan")
	case e.Status == Waiting:
		status = T("saya.status_tunggu", "Position", e.Position)
	case e.Status == Registered && !e.OfferUntil.IsZero():
		status = T("tawaran.menunggu_jawaban", "Deadline", e.OfferUntil.In(z))
	default:
		status = T("saya.status", "Status", T("status."+string(e.Status)))
	}
	var rows [][]Button
	if e.Status == Registered && !e.OfferUntil.IsZero() {
		rows = append(rows, []Button{Btn("tawaran.ya", cb(nsMine, "ok", e.ID))})
	}
	if seat && b.Status != BatchCancelled && now.Before(b.EndsAt) {
		rows = append(rows, []Button{Btn("saya.kalender", cb(nsMine, "k", e.ID))})
	}
	if e.Live() && now.Before(b.StartsAt) && b.Status != BatchCancelled {
		rows = append(rows, []Button{Btn("saya.batalkan", cb(nsMine, "x", e.ID))})
	}
	var more []Text
	switch {
	case cert != nil && cert.Revoked():
		more = append(more, T("saya.sertifikat_dicabut", "Number", cert.Number))
	case cert != nil:
		more = append(more, T("saya.sertifikat", "Number", cert.Number))
		rows = append(rows, []Button{Btn("saya.unduh_sertifikat", cb(nsMine, "c", e.ID)), Btn("sertifikat.siasn", cb(nsMine, "sa", e.ID))})
	case e.Status == Completed:
		more = append(more, T("saya.sertifikat_menunggu"))
		rows = append(rows, []Button{Btn("saya.unduh_sertifikat", cb(nsMine, "c", e.ID))})
	}
	rows = append(rows, []Button{Btn("umum.kembali", cb(nsMine, "l")), homeButton()})
	if b.Notes != "" {
		more = append(more, T("selanjutnya.catatan", "Notes", b.Notes))
	}
	if contact, ok := contactText(b); ok {
		more = append(more, contact)
	}
	return Reply{Edit: true, Buttons: rows, Text: T("saya.detail", "Title", e.Course.Title, "Code", e.Course.Code,
		"Batch", b.Name, "Status", status, "Start", b.StartsAt.In(z), "End", b.EndsAt.In(z), "Place", place,
		"Map", mapURL(b.Location), "JP", e.Course.JP, "More", more)}
}

// mapURL opens an address in the phone's map application; "" for none.
func mapURL(location string) string {
	if location == "" {
		return ""
	}
	return "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(location)
}

// calendarAgain sends a seat's calendar file again ("s:k:<id>"): the first one is easily lost
// among the chat's messages, or opened on another phone.
func (c *conv) calendarAgain() error {
	e, ok, err := c.mine()
	if !ok {
		return err
	}
	if seat := e.Status == Registered || e.Status == Attended || e.Status == Completed; !seat || e.Batch.Status == BatchCancelled {
		c.toast(T("saya.tanpa_kalender"))
		return nil
	}
	c.say(calendarReply(e, c.e.now(), e.Batch.Revision))
	return nil
}

// cancellable loads the enrolment a button names ("s:x:<id>", "s:y:<id>"); ok is false when
// the button was answered because the enrolment is gone or can no longer be cancelled.
func (c *conv) cancellable() (e Enrolment, ok bool, err error) {
	e, ok, err = c.mine()
	if !ok {
		return e, false, err
	}
	if !e.Live() || !c.e.now().Before(e.Batch.StartsAt) {
		c.say(Reply{Edit: true, Text: T("batal_daftar.tidak_bisa"), Buttons: [][]Button{{backToMine()}}})
		return e, false, nil
	}
	return e, true, nil
}

// askCancel asks once before cancelling an enrolment ("s:x:<id>"); "Kembali" returns to the
// training's page.
func (c *conv) askCancel() error {
	e, ok, err := c.cancellable()
	if !ok {
		return err
	}
	c.say(Reply{Edit: true, Text: T("batal_daftar.tanya", "Title", e.Course.Title, "Batch", e.Batch.Name, "Waiting", e.Status == Waiting),
		Buttons: [][]Button{{Btn("batal_daftar.ya", cb(nsMine, "y", e.ID))}, {Btn("umum.kembali", cb(nsMine, "d", e.ID))}}})
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
