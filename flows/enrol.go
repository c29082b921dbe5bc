package flows

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	ics "github.com/arran4/golang-ical"
)

// needProfile sends a user without a profile through onboarding, then back to then.
func (c *conv) needProfile(then string) {
	c.set(State{Flow: flowOnboarding, Step: stepConsent, Then: then})
	c.say(Reply{Text: T("daftar.perlu_profil"), RemoveKeyboard: true})
	c.say(consentQuestion())
}

// confirmEnrol asks once before enrolling, offering the waiting list when the batch is full.
func (c *conv) confirmEnrol(batchID int64) error {
	course, b, err := c.e.catalog.Batch(c.ctx, batchID)
	if errors.Is(err, ErrNotFound) {
		c.expired()
		return nil
	}
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	if !c.registered() {
		c.needProfile("c:" + course.Code)
		return nil
	}
	if err := b.Availability(c.e.now()); err != nil {
		c.say(Reply{Edit: true, Text: c.refusal(err), Buttons: backToCourse(course.Code)})
		return nil
	}
	key, button := "daftar_angkatan.tanya", "daftar_angkatan.ya"
	if b.Full() {
		key, button = "daftar_angkatan.tanya_tunggu", "daftar_angkatan.ya_tunggu"
	}
	c.say(Reply{
		Edit: true,
		Text: T(key, "Title", course.Title, "Batch", b.Name, "Start", b.StartsAt.In(b.Zone()), "End", b.EndsAt.In(b.Zone()),
			"Place", placeText(b), "Waiting", b.Waiting+1),
		Buttons: [][]Button{
			{Btn(button, "k:y:"+strconv.FormatInt(b.ID, 10))},
			{Btn("umum.kembali", "k:c:"+course.Code)},
		},
	})
	return nil
}

func backToCourse(code string) [][]Button {
	return [][]Button{{Btn("umum.kembali", "k:c:"+code), Btn("menu.kembali", "m:home")}}
}

// enrol takes the seat (or a place in line). A second tap finds the first one's enrolment
// and shows the same confirmation.
func (c *conv) enrol(batchID int64) error {
	if !c.registered() {
		course, _, err := c.e.catalog.Batch(c.ctx, batchID)
		if err != nil {
			c.expired()
			return nil
		}
		c.needProfile("c:" + course.Code)
		return nil
	}
	now := c.e.now()
	e, err := c.e.catalog.Enrol(c.ctx, c.p.ID, batchID, now)
	if errors.Is(err, ErrNotFound) {
		c.expired()
		return nil
	}
	var clash *ClashError
	var window *WindowError
	if errors.As(err, &clash) || errors.As(err, &window) || errors.Is(err, ErrBatchUnavailable) {
		course, _, _ := c.e.catalog.Batch(c.ctx, batchID)
		c.say(Reply{Edit: true, Text: c.refusal(err), Buttons: backToCourse(course.Code)})
		return nil
	}
	if err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	b, zone := e.Batch, e.Batch.Zone()
	buttons := [][]Button{{Btn("menu.saya", "s:l"), Btn("menu.kembali", "m:home")}}
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
		"End", b.EndsAt.In(zone), "Place", placeText(b)), Buttons: buttons})
	if !e.Existing {
		c.say(Reply{File: &File{Name: "pelatihan-" + e.Course.Code + ".ics", Content: calendarFile(e, now),
			Caption: T("daftar_angkatan.kalender")}})
	}
	return nil
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

// calendarFile is an .ics event a phone's calendar can import.
func calendarFile(e Enrolment, now time.Time) []byte {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Bot Pelatihan ASN//ID")
	ev := cal.AddEvent(fmt.Sprintf("enrolment-%d@asnbot", e.ID))
	ev.SetDtStampTime(now.UTC())
	ev.SetStartAt(e.Batch.StartsAt.UTC())
	ev.SetEndAt(e.Batch.EndsAt.UTC())
	ev.SetSummary(e.Course.Title + " – " + e.Batch.Name)
	loc := e.Batch.Location
	if loc == "" {
		loc = e.Batch.OnlineURL
	}
	ev.SetLocation(loc)
	if e.Batch.OnlineURL != "" {
		ev.SetURL(e.Batch.OnlineURL)
	}
	ev.SetDescription(e.Course.Code + " · " + e.Course.Title + " · " + e.Batch.Name)
	return []byte(cal.Serialize())
}
