package flows

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// TestNoticeKinds: every kind is declared once, made unique by its arguments, and hands its
// job to the courier about the right enrolment with its own check.
func TestNoticeKinds(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, k := range noticeKinds {
		if seen[k.kind] {
			t.Errorf("kind %s declared twice", k.kind)
		}
		seen[k.kind] = true
	}
	planned := time.Date(2027, 1, 11, 2, 0, 0, 0, time.UTC)
	for _, n := range []Notice{PromotionNotice{EnrolmentID: 3}, Reminder{EnrolmentID: 3}, ChangeNotice{EnrolmentID: 3},
		BatchCancelNotice{EnrolmentID: 3}} {
		if !n.InsertOpts().UniqueOpts.ByArgs {
			t.Errorf("%s: not unique by its arguments", n.Kind())
		}
		d, ok := DeliveryOf(n, planned, 11)
		if !ok || d.Enrolment != 3 || d.Job != 11 || !d.Planned.Equal(planned) || d.Check == nil || d.Notice.Kind() != n.Kind() {
			t.Errorf("%s: delivery %+v, %v", n.Kind(), d, ok)
		}
	}
	if !seen["reminder"] || !seen["promotion_notice"] || !seen["change_notice"] || !seen["batch_cancel_notice"] {
		t.Errorf("kinds %v", seen)
	}
	// Jobs already queued are read with these types after a deploy: the arguments keep their shape.
	for n, want := range map[Notice]string{
		PromotionNotice{EnrolmentID: 3}:                          `{"enrolment_id":3}`,
		BatchCancelNotice{EnrolmentID: 3}:                        `{"enrolment_id":3}`,
		Reminder{EnrolmentID: 3, Which: "h1", StartsAt: planned}: `{"enrolment_id":3,"which":"h1","starts_at":"2027-01-11T02:00:00Z"}`,
	} {
		if got, err := json.Marshal(n); err != nil || string(got) != want {
			t.Errorf("%s encodes as %s, %v; want %s", n.Kind(), got, err, want)
		}
	}
}

// TestNoticeChecks: what each check decides from the enrolment as it is when due.
func TestNoticeChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	wita := zone(t, "Asia/Makassar")
	start := time.Date(2027, 1, 12, 8, 0, 0, 0, wita)
	seat := Enrolment{ID: 3, Status: Registered, Course: Course{Title: "Analisis Kebijakan"},
		Batch: Batch{StartsAt: start, EndsAt: start.Add(48 * time.Hour), TimeZone: "Asia/Makassar", Status: BatchOpen}}
	waiting := seat
	waiting.Status = Waiting
	due := func(e Enrolment, now time.Time) Due {
		return Due{Enrolment: e, Participant: Participant{Name: "Siti"}, Planned: time.Date(2027, 1, 11, 9, 0, 0, 0, wita), Now: now}
	}
	onTime := time.Date(2027, 1, 11, 9, 1, 0, 0, wita)

	if l, _ := checkPromotion(ctx, PromotionNotice{EnrolmentID: 3}, due(waiting, onTime)); len(l.Replies) != 0 {
		t.Errorf("a promotion no longer true was sent: %+v", l)
	}
	if l, _ := checkPromotion(ctx, PromotionNotice{EnrolmentID: 3}, due(seat, onTime)); len(l.Replies) != 2 || l.Replies[1].File == nil {
		t.Errorf("promotion: %+v, want the news and the calendar file", l)
	}

	r := Reminder{EnrolmentID: 3, Which: "h1", StartsAt: start}
	if l, _ := checkReminder(ctx, r, due(seat, onTime)); len(l.Replies) != 1 || l.Occasion != "h1:"+strconv.FormatInt(start.Unix(), 10) {
		t.Errorf("reminder on time: %+v", l)
	}
	night := time.Date(2027, 1, 11, 22, 0, 0, 0, wita)
	l, _ := checkReminder(ctx, r, due(seat, night))
	again, _ := l.Again.(Reminder)
	if len(l.Replies) != 0 || !l.Later.Equal(time.Date(2027, 1, 12, 6, 0, 0, 0, wita)) || !again.Due.Equal(due(seat, night).Planned) {
		t.Errorf("reminder due at night: %+v, want it put off to 06.00, still saying when it was due", l)
	}

	change := ChangeNotice{EnrolmentID: 3, Revision: 2, OldStart: start, NewStart: start.Add(24 * time.Hour)}
	if l, _ := checkChange(ctx, change, due(waiting, onTime)); len(l.Replies) != 1 || l.Occasion != "2" {
		t.Errorf("change to someone waiting: %+v", l)
	}
	gone := seat
	gone.Status = Cancelled
	if l, _ := checkChange(ctx, change, due(gone, onTime)); len(l.Replies) != 0 {
		t.Errorf("change told to a cancelled seat: %+v", l)
	}
}
