package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// noticeKinds are the notices the bot sends on its own: one line each (see Notice).
var noticeKinds = []noticeKind{
	kindOf(checkPromotion),
	kindOf(checkReminder),
	kindOf(checkChange),
	kindOf(checkBatchCancel),
	kindOf(checkSurveyInvitation),
	kindOf(checkSurveyNudge),
	kindOf(checkOfferExpiry),
	kindOf(checkCertificate),
}

// PromotionNotice tells a participant they moved up from the waiting list into a seat.
type PromotionNotice struct {
	EnrolmentID int64 `json:"enrolment_id"`
	// Offer is the deadline of the seat's offer ("Masih bisa ikut?"); zero for a seat given
	// outright, too near the start to ask.
	Offer time.Time `json:"offer,omitzero"`
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (PromotionNotice) Kind() string       { return "promotion_notice" }
func (n PromotionNotice) enrolment() int64 { return n.EnrolmentID }

// checkPromotion: the news and the calendar file, while the seat is still theirs.
func checkPromotion(_ context.Context, n PromotionNotice, d Due) (Letter, error) {
	e := d.Enrolment
	if e.Status != Registered {
		return Letter{}, nil
	}
	if !n.Offer.IsZero() {
		// Held while they are asked whether they still come. Once answered or expired there is
		// nothing left to ask (a confirmation sends its own calendar file).
		if !e.OfferUntil.Equal(n.Offer) {
			return Letter{}, nil
		}
		return Letter{Replies: []Reply{offerReply(d)}}, nil
	}
	z := e.Batch.Zone()
	return Letter{Replies: []Reply{
		{Text: T("daftar_angkatan.naik", "Name", d.Participant.Name, "Title", e.Course.Title, "Batch", e.Batch.Name,
			"Start", e.Batch.StartsAt.In(z), "End", e.Batch.EndsAt.In(z), "Place", placeText(e.Batch)),
			Buttons: [][]Button{{backToMine()}}},
		calendarReply(e, d.Now, e.Batch.Revision),
	}}, nil
}

// ChangeNotice tells a participant that their batch's dates or place changed. It carries the
// old and the new values, so that each change is told once, as it was.
type ChangeNotice struct {
	EnrolmentID int64     `json:"enrolment_id"`
	Revision    int       `json:"revision"` // the batch's count of changes: each change is a notice of its own
	OldStart    time.Time `json:"old_start"`
	OldEnd      time.Time `json:"old_end"`
	OldLocation string    `json:"old_location"`
	OldURL      string    `json:"old_url"`
	NewStart    time.Time `json:"new_start"`
	NewEnd      time.Time `json:"new_end"`
	NewLocation string    `json:"new_location"`
	NewURL      string    `json:"new_url"`
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (ChangeNotice) Kind() string       { return "change_notice" }
func (n ChangeNotice) enrolment() int64 { return n.EnrolmentID }

// checkChange: what changed, old and new side by side in the batch's zone, to everyone still
// enrolled or waiting, whether or not they want reminders.
func checkChange(_ context.Context, n ChangeNotice, d Due) (Letter, error) {
	e := d.Enrolment
	if !e.Live() {
		return Letter{}, nil
	}
	occasion := strconv.Itoa(n.Revision)
	if n.Revision == 0 { // planned before batches counted their changes: named by the new values
		occasion = fmt.Sprintf("%d:%d:%s:%s", n.NewStart.Unix(), n.NewEnd.Unix(), n.NewLocation, n.NewURL)
	}
	z := e.Batch.Zone()
	oldB, newB := e.Batch, e.Batch
	oldB.Location, oldB.OnlineURL = n.OldLocation, n.OldURL
	newB.Location, newB.OnlineURL = n.NewLocation, n.NewURL
	place := placeText
	if e.Status != Registered {
		place = publicPlace // the online link is for those holding a seat
	}
	datesChanged := !n.OldStart.Equal(n.NewStart) || !n.OldEnd.Equal(n.NewEnd)
	placeChanged := n.OldLocation != n.NewLocation || (n.OldURL != n.NewURL && e.Status == Registered)
	heading := "perubahan.judul_keduanya"
	switch {
	case datesChanged && !placeChanged:
		heading = "perubahan.judul_jadwal"
	case placeChanged && !datesChanged:
		heading = "perubahan.judul_tempat"
	}
	replies := []Reply{{
		Text: T("perubahan.isi", "Heading", T(heading), "Title", e.Course.Title, "Batch", e.Batch.Name,
			"DatesChanged", datesChanged, "PlaceChanged", placeChanged,
			"OldStart", n.OldStart.In(z), "OldEnd", n.OldEnd.In(z), "OldPlace", place(oldB),
			"NewStart", n.NewStart.In(z), "NewEnd", n.NewEnd.In(z), "NewPlace", place(newB), "Waiting", e.Status == Waiting),
		Buttons: [][]Button{{backToMine(), cantComeButton(e)}},
	}}
	if e.Status == Registered {
		// The calendar entry sent at enrolment is replaced by this one (same UID, a higher
		// sequence); Google's gets a new link.
		e.Batch = newB
		e.Batch.StartsAt, e.Batch.EndsAt = n.NewStart, n.NewEnd
		seq := n.Revision
		if seq == 0 { // planned before batches counted their changes
			seq = e.Batch.Revision
		}
		replies = append(replies, calendarReply(e, d.Now, seq))
	}
	return Letter{Occasion: occasion, Replies: replies}, nil
}

// cantComeButton cancels the enrolment, after a confirmation.
func cantComeButton(e Enrolment) Button { return Btn("pengingat.tidak_bisa", cb(nsMine, "x", e.ID)) }

// BatchCancelNotice tells a participant that their batch was cancelled.
type BatchCancelNotice struct {
	EnrolmentID int64 `json:"enrolment_id"`
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (BatchCancelNotice) Kind() string       { return "batch_cancel_notice" }
func (n BatchCancelNotice) enrolment() int64 { return n.EnrolmentID }

// checkBatchCancel: the batch is off; the course's other batches that still take enrolments
// are offered.
func checkBatchCancel(ctx context.Context, _ BatchCancelNotice, d Due) (Letter, error) {
	e := d.Enrolment
	_, others, err := d.Store.Course(ctx, e.Course.Code)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Letter{}, fmt.Errorf("other batches: %w", err)
	}
	var rows [][]Button
	for _, b := range others {
		if b.ID == e.Batch.ID || b.Availability(d.Now) != nil {
			continue
		}
		rows = append(rows, []Button{{Label: T("batal_angkatan.tombol", "Batch", b.Name, "Start", ShortDate{b.StartsAt.In(b.Zone())}),
			Data: cb(nsBrowse, "b", b.ID)}})
	}
	key := "batal_angkatan.isi"
	if len(rows) == 0 {
		key = "batal_angkatan.isi_tanpa_lain"
	}
	rows = append(rows, []Button{Btn("menu.katalog", cb(nsMenu, "katalog"))})
	return Letter{Replies: []Reply{{Text: T(key, "Title", e.Course.Title, "Batch", e.Batch.Name,
		"Start", e.Batch.StartsAt.In(e.Batch.Zone())), Buttons: rows}}}, nil
}
