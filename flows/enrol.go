package flows

import (
	"errors"
	"fmt"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/flows/document"
)

// needProfile sends a user without a profile through onboarding, then back to then.
func (c *conv) needProfile(then string) {
	c.set(State{Flow: flowOnboarding, Step: stepConsent, Then: then})
	// One message: why a profile, then the consent it starts with. (No reply keyboard can be
	// left here: a conversation that showed one was ended by /batal, which removes it.)
	r := consentQuestion()
	r.Text, r.Parts = T("daftar.perlu_profil"), []Text{r.Text}
	c.say(r)
}

// confirmEnrol asks once before enrolling ("k:b:<batch>"), offering the waiting list when
// the batch is full.
func (c *conv) confirmEnrol() error {
	batchID, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	return c.askEnrol(batchID, true)
}

// askEnrol is the confirmation of an enrolment in a batch; a user without a profile is sent
// through onboarding first, and comes back here (continueTo "b:<batch>").
func (c *conv) askEnrol(batchID int64, edit bool) error {
	course, b, err := c.offered(batchID)
	if errors.Is(err, ErrNotFound) {
		return c.expired()
	}
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	if !c.registered() {
		c.needProfile(fmt.Sprintf("b:%d", b.ID))
		return nil
	}
	if err := b.Availability(c.e.now()); err != nil {
		c.say(Reply{Edit: edit, Text: c.refusal(err), Buttons: backToCourse(course.Code)})
		return nil
	}
	key, button := "daftar_angkatan.tanya", "daftar_angkatan.ya"
	if b.Full() {
		key, button = "daftar_angkatan.tanya_tunggu", "daftar_angkatan.ya_tunggu"
	}
	c.say(Reply{
		Edit: edit,
		Text: T(key, "Title", course.Title, "Batch", b.Name, "Start", b.StartsAt.In(b.Zone()), "End", b.EndsAt.In(b.Zone()),
			"Place", publicPlace(b), "Waiting", b.Waiting+1),
		Buttons: [][]Button{
			{Btn(button, cb(nsBrowse, "y", b.ID))},
			{Btn("umum.kembali", cb(nsBrowse, "c", course.Code))},
		},
	})
	return nil
}

// offered loads a batch the catalogue offers: one of a course withdrawn from it is as good as
// gone, since button data can be forged and batch ids are sequential.
func (c *conv) offered(id int64) (Course, Batch, error) {
	course, b, err := c.e.store.Batch(c.ctx, id)
	if err == nil && !course.Published {
		return Course{}, Batch{}, fmt.Errorf("batch %d: %w", id, ErrNotFound)
	}
	return course, b, err
}

func backToCourse(code string) [][]Button {
	return [][]Button{{Btn("umum.kembali", cb(nsBrowse, "c", code)), homeButton()}}
}

// enrol takes the seat (or a place in line) a confirmation names ("k:y:<batch>"). A second
// tap finds the first one's enrolment and shows the same confirmation.
func (c *conv) enrol() error {
	batchID, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	if !c.registered() {
		if _, _, err := c.offered(batchID); err != nil {
			return c.expired()
		}
		c.needProfile(fmt.Sprintf("b:%d", batchID))
		return nil
	}
	now := c.e.now()
	e, err := c.e.store.Enrol(c.ctx, c.p.ID, batchID, now)
	if errors.Is(err, ErrNotFound) {
		return c.expired()
	}
	var clash *ClashError
	var window *WindowError
	if errors.As(err, &clash) || errors.As(err, &window) || errors.Is(err, ErrBatchUnavailable) {
		course, _, gone := c.offered(batchID)
		if gone != nil {
			return c.expired()
		}
		c.say(Reply{Edit: true, Text: c.refusal(err), Buttons: backToCourse(course.Code)})
		return nil
	}
	if err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	b, zone := e.Batch, e.Batch.Zone()
	buttons := [][]Button{{Btn("menu.saya", cb(nsMine, "l")), homeButton()}}
	if e.Status == Waiting {
		c.say(Reply{Edit: true, Text: T("daftar_angkatan.menunggu", "Title", e.Course.Title, "Batch", b.Name,
			"Position", e.Position), Buttons: buttons})
		return nil
	}
	key := "daftar_angkatan.berhasil"
	if e.Existing {
		key = "daftar_angkatan.sudah"
	}
	c.say(Reply{Edit: true, Text: T(key, "Title", e.Course.Title, "Batch", b.Name, "Start", b.StartsAt.In(zone),
		"End", b.EndsAt.In(zone), "Place", placeText(b)), Parts: []Text{c.nextSteps(e)}, Buttons: buttons})
	if !e.Existing {
		c.say(calendarReply(e, now, e.Batch.Revision))
	}
	return nil
}

// nextSteps says, in a few short lines, what happens after a seat is taken: that it is final,
// the reminders to come, where the online link is, what to prepare, and whom to ask.
func (c *conv) nextSteps(e Enrolment) Text {
	b := e.Batch
	lines := []Text{T("selanjutnya.pasti")}
	if c.p.RemindersOff {
		lines = append(lines, T("selanjutnya.pengingat_mati"))
	} else {
		lines = append(lines, T("selanjutnya.pengingat", "When", reminderBrief(c.e.rules)))
	}
	switch {
	case b.OnlineURL != "":
		lines = append(lines, T("selanjutnya.tautan_ada"))
	case e.Course.Method != catalogfile.MethodClassroom:
		lines = append(lines, T("selanjutnya.tautan_nanti"))
	}
	if b.Notes != "" {
		lines = append(lines, T("selanjutnya.catatan", "Notes", b.Notes))
	}
	if contact, ok := contactText(b); ok {
		lines = append(lines, contact)
	}
	lines = append(lines, T("selanjutnya.batal"))
	return T("selanjutnya.judul", "Lines", lines)
}

// contactText is whom to ask about a batch: a WhatsApp link when there is a number.
func contactText(b Batch) (Text, bool) {
	if b.ContactWA == "" && b.ContactName == "" {
		return Text{}, false
	}
	return T("selanjutnya.kontak", "Name", b.ContactName, "URL", b.WhatsApp(), "Phone", asn.FormatPhone("+"+b.ContactWA)), true
}

// refusal explains why an enrolment cannot be made.
func (c *conv) refusal(err error) Text {
	var clash *ClashError
	var window *WindowError
	switch {
	case errors.As(err, &clash):
		z := clash.Batch.Zone()
		return T("daftar_angkatan.bentrok", "Title", clash.Course.Title, "Batch", clash.Batch.Name,
			"Start", clash.Batch.StartsAt.In(z), "End", clash.Batch.EndsAt.In(z))
	case errors.As(err, &window):
		if c.e.now().Before(window.Opens) {
			return T("daftar_angkatan.belum_dibuka", "Opens", window.Opens.In(window.Zone), "Closes", window.Closes.In(window.Zone))
		}
		return T("daftar_angkatan.sudah_ditutup", "Opens", window.Opens.In(window.Zone), "Closes", window.Closes.In(window.Zone))
	}
	return T("daftar_angkatan.tidak_tersedia")
}

// calendarReply is the .ics file of a seat, which a phone's calendar imports, with a button
// that adds the same entry to Google Calendar (Android's calendar often cannot open an .ics
// from a chat). seq is the entry's revision: a calendar takes a re-sent entry only with a
// higher one.
func calendarReply(e Enrolment, now time.Time, seq int) Reply {
	b := e.Batch
	place := b.Location
	if place == "" {
		place = b.OnlineURL
	}
	ev := document.Event{
		UID:         fmt.Sprintf("enrolment-%d@asnbot", e.ID),
		Summary:     e.Course.Title + " – " + b.Name,
		Description: e.Course.Code + " · " + e.Course.Title + " · " + b.Name,
		Location:    place,
		URL:         b.OnlineURL,
		Start:       b.StartsAt,
		End:         b.EndsAt,
		Stamp:       now,
		Sequence:    seq,
	}
	return Reply{
		File:    &File{Name: "pelatihan-" + e.Course.Code + ".ics", Content: ev.ICS(), Caption: T("daftar_angkatan.kalender")},
		Buttons: [][]Button{{{Label: T("daftar_angkatan.google"), URL: ev.GoogleCalendar()}}},
	}
}
