package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bpsdm/asnbot/flows/catalogue"
)

// Batches is what the admin's /ubahjadwal needs of Postgres.
type Batches interface {
	// ChangeBatch sets a batch's dates and place in one transaction with the notices to
	// everyone enrolled or waiting and their reminders moved; it returns how many are told.
	ChangeBatch(ctx context.Context, batchID int64, ch BatchChange, now time.Time) (int, error)
	// CancelBatch cancels a batch, its live enrolments and their reminders, and plans a notice
	// to each participant, in one transaction; it returns how many are told. Cancelling a
	// cancelled batch does nothing.
	CancelBatch(ctx context.Context, batchID int64, now time.Time) (int, error)
}

// BatchChange is a batch's new dates and place.
type BatchChange struct {
	StartsAt  time.Time `json:"start"`
	EndsAt    time.Time `json:"end"`
	Location  string    `json:"location,omitempty"`
	OnlineURL string    `json:"url,omitempty"`
}

// ScheduleDraft is the change an admin is preparing in /ubahjadwal.
type ScheduleDraft struct {
	BatchID int64       `json:"batch"`
	Change  BatchChange `json:"change"`
}

const (
	flowSchedule = "jadwal"

	stepScheduleMenu   = "menu"
	stepScheduleDates  = "dates"
	stepSchedulePlace  = "place"
	stepSchedulePeek   = "preview"
	stepScheduleCancel = "cancel"
)

// maxPlaceLen bounds a place or link an admin types.
const maxPlaceLen = 300

// scheduleCommand answers /ubahjadwal <kode> <angkatan>: the batch's card with what can be
// changed, or the course's batches to choose from when the batch is not named.
func (c *conv) scheduleCommand(args string) error {
	code, name, _ := strings.Cut(strings.TrimSpace(args), " ")
	if code == "" {
		c.say(Reply{Text: T("jadwal.cara")})
		return nil
	}
	course, batches, _, err := c.e.catalog.Roster(c.ctx, code)
	if errors.Is(err, ErrNotFound) {
		c.say(Reply{Text: T("peserta.tidak_ada_kode", "Code", code)})
		return nil
	}
	if err != nil {
		return fmt.Errorf("batches of %s: %w", code, err)
	}
	if b, ok := batchNamed(batches, name); ok {
		return c.scheduleMenu(b.ID, false)
	}
	rows := make([][]Button, 0, len(batches)+1)
	for _, b := range batches {
		rows = append(rows, []Button{{Label: T("jadwal.pilih_baris", "Batch", b.Name, "Start", dateOnly(b.StartsAt.In(b.Zone()))),
			Data: "j:b:" + strconv.FormatInt(b.ID, 10)}})
	}
	key := "jadwal.pilih"
	if strings.TrimSpace(name) != "" {
		key = "jadwal.tidak_ada_angkatan"
	}
	if len(batches) == 0 {
		key = "jadwal.tanpa_angkatan"
	}
	c.say(Reply{Text: T(key, "Title", course.Title, "Name", strings.TrimSpace(name)), Buttons: rows})
	return nil
}

// batchNamed finds a batch by its name as an admin types it: any case and spacing, with or
// without the word "Angkatan" ("Angkatan II", "angkatan ii", "II").
func batchNamed(batches []Batch, name string) (Batch, bool) {
	norm := func(s string) string {
		s = strings.ToLower(strings.Join(strings.Fields(s), " "))
		return strings.TrimPrefix(s, "angkatan ")
	}
	want := norm(name)
	if want == "" {
		return Batch{}, false
	}
	for _, b := range batches {
		if norm(b.Name) == want {
			return b, true
		}
	}
	return Batch{}, false
}

// scheduleMenu shows a batch as it stands and what can be changed, and starts the flow.
func (c *conv) scheduleMenu(batchID int64, edit bool) error {
	course, b, err := c.e.catalog.Batch(c.ctx, batchID)
	if errors.Is(err, ErrNotFound) {
		c.clear()
		c.expired()
		return nil
	}
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	card := batchCard(course, b)
	switch {
	case b.Status == BatchCancelled:
		c.clear()
		c.say(Reply{Edit: edit, Text: T("jadwal.sudah_batal"), Parts: []Text{card}})
		return nil
	case !c.e.now().Before(b.EndsAt):
		c.clear()
		c.say(Reply{Edit: edit, Text: T("jadwal.sudah_selesai"), Parts: []Text{card}})
		return nil
	}
	c.set(State{Flow: flowSchedule, Step: stepScheduleMenu, Schedule: &ScheduleDraft{BatchID: b.ID,
		Change: BatchChange{StartsAt: b.StartsAt, EndsAt: b.EndsAt, Location: b.Location, OnlineURL: b.OnlineURL}}})
	c.say(Reply{Edit: edit, Text: T("jadwal.judul"), Parts: []Text{card, T("jadwal.tanya")}, Buttons: [][]Button{
		{Btn("jadwal.ubah_tanggal", "j:d"), Btn("jadwal.ubah_tempat", "j:p")},
		{Btn("jadwal.batalkan", "j:x")},
		{Btn("jadwal.tutup", "j:q")},
	}})
	return nil
}

func batchCard(course Course, b Batch) Text {
	z := b.Zone()
	return T("jadwal.kartu", "Title", course.Title, "Code", course.Code, "Batch", b.Name, "Start", b.StartsAt.In(z),
		"End", b.EndsAt.In(z), "Place", placeText(b), "Registered", b.Registered, "Quota", b.Quota, "Waiting", b.Waiting)
}

// scheduleStep handles what comes while an admin is changing a batch.
func (c *conv) scheduleStep() error {
	d := c.st.Schedule
	if d == nil || !c.isAdmin() {
		c.clear()
		return c.idle()
	}
	if c.callback() {
		return c.scheduleCallback(d)
	}
	if c.in.Kind == KindCommand {
		// Another command (a new /ubahjadwal, /peserta…) leaves the unsaved change behind.
		c.clear()
		return c.idle()
	}
	switch c.st.Step {
	case stepScheduleDates:
		return c.scheduleDates(d)
	case stepSchedulePlace:
		return c.schedulePlace(d)
	}
	// A button is expected: say so, and keep the flow.
	c.say(Reply{Text: T("jadwal.pakai_tombol")})
	return nil
}

func (c *conv) scheduleCallback(d *ScheduleDraft) error {
	switch c.in.Data {
	case "j:d":
		c.st.Step, c.dirty = stepScheduleDates, true
		c.say(Reply{Edit: true, Text: T("jadwal.tanya_tanggal"), Buttons: [][]Button{{Btn("umum.kembali", "j:m")}}})
	case "j:p":
		c.st.Step, c.dirty = stepSchedulePlace, true
		c.say(Reply{Edit: true, Text: T("jadwal.tanya_tempat"), Buttons: [][]Button{{Btn("umum.kembali", "j:m")}}})
	case "j:m":
		return c.scheduleMenu(d.BatchID, true)
	case "j:q":
		c.clear()
		c.say(Reply{Edit: true, Text: T("jadwal.ditutup")})
	case "j:s":
		if c.st.Step != stepSchedulePeek {
			c.expired()
			return nil
		}
		n, err := c.e.batches.ChangeBatch(c.ctx, d.BatchID, d.Change, c.e.now())
		if errors.Is(err, ErrBatchUnavailable) {
			c.clear()
			c.say(Reply{Edit: true, Text: T("jadwal.sudah_batal")})
			return nil
		}
		if err != nil {
			return fmt.Errorf("change batch: %w", err)
		}
		c.clear()
		c.say(Reply{Edit: true, Text: T("jadwal.disimpan", "Notified", n)})
	case "j:x":
		course, b, err := c.e.catalog.Batch(c.ctx, d.BatchID)
		if err != nil {
			return fmt.Errorf("batch: %w", err)
		}
		c.st.Step, c.dirty = stepScheduleCancel, true
		c.say(Reply{Edit: true, Text: T("jadwal.tanya_batal", "Title", course.Title, "Batch", b.Name,
			"Registered", b.Registered, "Waiting", b.Waiting), Buttons: [][]Button{
			{Btn("jadwal.ya_batalkan", "j:xy")}, {Btn("umum.kembali", "j:m")}}})
	case "j:xy":
		if c.st.Step != stepScheduleCancel {
			c.expired()
			return nil
		}
		n, err := c.e.batches.CancelBatch(c.ctx, d.BatchID, c.e.now())
		if err != nil {
			return fmt.Errorf("cancel batch: %w", err)
		}
		c.clear()
		c.say(Reply{Edit: true, Text: T("jadwal.dibatalkan", "Notified", n)})
	default:
		if id, ok := strings.CutPrefix(c.in.Data, "j:b:"); ok {
			return c.schedulePick(id)
		}
		c.expired()
	}
	return nil
}

// schedulePick opens a batch chosen from the list.
func (c *conv) schedulePick(id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		c.expired()
		return nil
	}
	return c.scheduleMenu(n, true)
}

// scheduleDates reads "start - end" in the batch's zone.
func (c *conv) scheduleDates(d *ScheduleDraft) error {
	_, b, err := c.e.catalog.Batch(c.ctx, d.BatchID)
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	start, end, ok := parseRange(c.in.Text, b.Zone())
	switch {
	case !ok:
		c.say(Reply{Text: T("jadwal.tanggal_salah")})
		return nil
	case !end.After(start):
		c.say(Reply{Text: T("jadwal.selesai_sebelum_mulai")})
		return nil
	case !start.After(c.e.now()):
		c.say(Reply{Text: T("jadwal.mulai_lampau")})
		return nil
	}
	d.Change.StartsAt, d.Change.EndsAt = start.UTC(), end.UTC()
	return c.schedulePreview(d)
}

// parseRange reads two dates separated by " - ", "s.d." or "sampai", as an admin writes a
// period; each in any form the catalogue file takes.
func parseRange(s string, loc *time.Location) (time.Time, time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	for _, sep := range []string{" s.d. ", " s/d ", " sd ", " sampai ", " – ", " - "} {
		if a, b, ok := strings.Cut(strings.ToLower(s), sep); ok {
			start, ok1 := catalogue.ParseDate(a, loc)
			end, ok2 := catalogue.ParseDate(b, loc)
			return start, end, ok1 && ok2
		}
	}
	return time.Time{}, time.Time{}, false
}

// schedulePlace reads a new place: a link is the online link, anything else the address.
func (c *conv) schedulePlace(d *ScheduleDraft) error {
	s := strings.TrimSpace(c.in.Text)
	if s == "" || utf8.RuneCountInString(s) > maxPlaceLen || c.in.Kind != KindText {
		c.say(Reply{Text: T("jadwal.tempat_salah", "Max", maxPlaceLen)})
		return nil
	}
	if strings.HasPrefix(strings.ToLower(s), "http://") || strings.HasPrefix(strings.ToLower(s), "https://") {
		d.Change.OnlineURL = s
	} else {
		d.Change.Location = s
	}
	return c.schedulePreview(d)
}

// schedulePreview shows the batch as it is and as it will be, and who will be told.
func (c *conv) schedulePreview(d *ScheduleDraft) error {
	course, b, err := c.e.catalog.Batch(c.ctx, d.BatchID)
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	next := b
	next.StartsAt, next.EndsAt, next.Location, next.OnlineURL = d.Change.StartsAt, d.Change.EndsAt, d.Change.Location, d.Change.OnlineURL
	c.st.Schedule, c.dirty = d, true
	if next.StartsAt.Equal(b.StartsAt) && next.EndsAt.Equal(b.EndsAt) && next.Location == b.Location && next.OnlineURL == b.OnlineURL {
		c.st.Step = stepScheduleMenu
		c.say(Reply{Text: T("jadwal.tidak_berubah"), Buttons: [][]Button{{Btn("umum.kembali", "j:m")}}})
		return nil
	}
	c.st.Step = stepSchedulePeek
	z := b.Zone()
	c.say(Reply{
		Text: T("jadwal.pratinjau", "Title", course.Title, "Batch", b.Name,
			"OldStart", b.StartsAt.In(z), "OldEnd", b.EndsAt.In(z), "OldPlace", placeText(b),
			"NewStart", next.StartsAt.In(z), "NewEnd", next.EndsAt.In(z), "NewPlace", placeText(next),
			"Count", b.Registered+b.Waiting),
		Buttons: [][]Button{{Btn("jadwal.simpan", "j:s")}, {Btn("jadwal.ubah_lagi", "j:m"), Btn("jadwal.tutup", "j:q")}},
	})
	return nil
}

// BatchCancelNotice is the job telling a participant that their batch was cancelled.
type BatchCancelNotice struct {
	EnrolmentID int64 `json:"enrolment_id"`
}

// Kind names the job for the queue.
func (BatchCancelNotice) Kind() string { return "batch_cancel_notice" }

// BatchCancelReply says the batch is off, and offers the course's other batches that still
// take enrolments.
func BatchCancelReply(e Enrolment, others []Batch, now time.Time) Reply {
	z := e.Batch.Zone()
	var rows [][]Button
	for _, b := range others {
		if b.ID == e.Batch.ID || b.Availability(now) != nil {
			continue
		}
		rows = append(rows, []Button{{Label: T("batal_angkatan.tombol", "Batch", b.Name, "Start", dateOnly(b.StartsAt.In(b.Zone()))),
			Data: "k:b:" + strconv.FormatInt(b.ID, 10)}})
	}
	key := "batal_angkatan.isi"
	if len(rows) == 0 {
		key = "batal_angkatan.isi_tanpa_lain"
	}
	rows = append(rows, []Button{Btn("menu.katalog", "m:katalog")})
	return Reply{Text: T(key, "Title", e.Course.Title, "Batch", e.Batch.Name, "Start", e.Batch.StartsAt.In(z)), Buttons: rows}
}
