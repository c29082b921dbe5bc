package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bpsdm/asnbot/flows/catalogfile"
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

// BatchChange is what an admin changes of a batch: the dates, the place, or both. What is
// not changed is left as it is in Postgres when the change is saved, so a change made
// meanwhile by someone else (an import) is not undone.
type BatchChange struct {
	Dates     bool      `json:"dates,omitempty"`
	StartsAt  time.Time `json:"start,omitzero"`
	EndsAt    time.Time `json:"end,omitzero"`
	Place     bool      `json:"place,omitempty"`
	Location  string    `json:"location,omitempty"`
	OnlineURL string    `json:"url,omitempty"`
}

// Apply gives b as the change would leave it.
func (ch BatchChange) Apply(b Batch) Batch {
	if ch.Dates {
		b.StartsAt, b.EndsAt = ch.StartsAt, ch.EndsAt
	}
	if ch.Place {
		b.Location, b.OnlineURL = ch.Location, ch.OnlineURL
	}
	return b
}

// ErrBatchEnded: the batch is over; its schedule is history.
var ErrBatchEnded = errors.New("batch has ended")

// ScheduleDraft is the change an admin is preparing in /ubahjadwal.
type ScheduleDraft struct {
	BatchID int64       `json:"batch"`
	Change  BatchChange `json:"change"`
	// Rev counts the edits: "Simpan" names the one its preview showed, so an older preview's
	// button cannot save more than it showed.
	Rev int `json:"rev,omitempty"`
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
	d := &ScheduleDraft{BatchID: b.ID}
	if old := c.st.Schedule; c.st.Flow == flowSchedule && old != nil && old.BatchID == b.ID {
		d = old // back from a preview: what was typed so far stays
	}
	c.set(State{Flow: flowSchedule, Step: stepScheduleMenu, Schedule: d})
	id := strconv.FormatInt(b.ID, 10)
	rows := [][]Button{
		{Btn("jadwal.ubah_tanggal", "j:d:"+id), Btn("jadwal.ubah_tempat", "j:p:"+id)},
	}
	if d.Change.Dates || d.Change.Place {
		rows = append(rows, []Button{Btn("jadwal.periksa", "j:v:"+id)})
	}
	rows = append(rows, []Button{Btn("jadwal.batalkan", "j:x:"+id)}, []Button{Btn("jadwal.tutup", "j:q:"+id)})
	c.say(Reply{Edit: edit, Text: T("jadwal.judul"), Parts: []Text{card, T("jadwal.tanya")}, Buttons: rows})
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
	if id, ok := strings.CutPrefix(c.in.Data, "j:b:"); ok {
		return c.schedulePick(id)
	}
	// Every button names its batch: one left on an older message must not act on the batch
	// being changed now.
	rest, ok := strings.CutPrefix(c.in.Data, "j:")
	if !ok {
		// A button of another screen (the menu, the catalogue): the unsaved change is left.
		c.clear()
		return c.idle()
	}
	action, id, _ := strings.Cut(rest, ":")
	id, rev, _ := strings.Cut(id, ":")
	if id != strconv.FormatInt(d.BatchID, 10) {
		c.expired()
		return nil
	}
	back := [][]Button{{Btn("umum.kembali", "j:m:"+id)}}
	switch action {
	case "d":
		c.st.Step, c.dirty = stepScheduleDates, true
		c.say(Reply{Edit: true, Text: T("jadwal.tanya_tanggal"), Buttons: back})
	case "p":
		c.st.Step, c.dirty = stepSchedulePlace, true
		c.say(Reply{Edit: true, Text: T("jadwal.tanya_tempat"), Buttons: back})
	case "m":
		return c.scheduleMenu(d.BatchID, true)
	case "v":
		return c.schedulePreview(d, true)
	case "q":
		c.clear()
		c.say(Reply{Edit: true, Text: T("jadwal.ditutup")})
	case "s":
		if c.st.Step != stepSchedulePeek || rev != strconv.Itoa(d.Rev) {
			c.expired()
			return nil
		}
		if d.Change.Dates && !d.Change.StartsAt.After(c.e.now()) {
			c.st.Step, c.dirty = stepScheduleMenu, true
			c.say(Reply{Edit: true, Text: T("jadwal.mulai_lampau"), Buttons: back})
			return nil
		}
		n, err := c.e.batches.ChangeBatch(c.ctx, d.BatchID, d.Change, c.e.now())
		return c.scheduleDone("jadwal.disimpan", n, err)
	case "x":
		course, b, err := c.e.catalog.Batch(c.ctx, d.BatchID)
		if err != nil {
			return fmt.Errorf("batch: %w", err)
		}
		c.st.Step, c.dirty = stepScheduleCancel, true
		c.say(Reply{Edit: true, Text: T("jadwal.tanya_batal", "Title", course.Title, "Batch", b.Name,
			"Registered", b.Registered, "Waiting", b.Waiting), Buttons: [][]Button{
			{Btn("jadwal.ya_batalkan", "j:xy:"+id)}, {Btn("umum.kembali", "j:m:"+id)}}})
	case "xy":
		if c.st.Step != stepScheduleCancel {
			c.expired()
			return nil
		}
		n, err := c.e.batches.CancelBatch(c.ctx, d.BatchID, c.e.now())
		return c.scheduleDone("jadwal.dibatalkan", n, err)
	default:
		c.expired()
	}
	return nil
}

// scheduleDone ends the flow after a change or a cancellation was saved (saying how many are
// told, with key), or refused because the batch was cancelled or ended meanwhile.
func (c *conv) scheduleDone(key string, notified int, err error) error {
	var text Text
	switch {
	case errors.Is(err, ErrBatchUnavailable):
		text = T("jadwal.sudah_batal")
	case errors.Is(err, ErrBatchEnded):
		text = T("jadwal.sudah_selesai")
	case err != nil:
		return fmt.Errorf("%s: %w", key, err)
	default:
		text = T(key, "Notified", notified)
	}
	c.clear()
	c.say(Reply{Edit: true, Text: text})
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
	d.Change.Dates, d.Change.StartsAt, d.Change.EndsAt = true, start.UTC(), end.UTC()
	d.Rev++
	return c.schedulePreview(d, false)
}

// parseRange reads two dates separated by " - ", "s.d." or "sampai", as an admin writes a
// period; each in any form the catalogue file takes. A bare end date means the end of that day.
func parseRange(s string, loc *time.Location) (time.Time, time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	lower := asciiLower(s) // same length as s, so its indexes cut s
	for _, sep := range []string{" s.d. ", " s/d ", " sd ", " sampai ", " – ", " - "} {
		if i := strings.Index(lower, sep); i >= 0 {
			start, ok1 := catalogfile.ParseDate(s[:i], loc, false)
			end, ok2 := catalogfile.ParseDate(s[i+len(sep):], loc, true)
			return start, end, ok1 && ok2
		}
	}
	return time.Time{}, time.Time{}, false
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// schedulePlace reads a new place: an address, a link for an online class (https://), or
// both on two lines. The new place replaces the old one whole: a class moved online loses
// its hall, and the other way round.
func (c *conv) schedulePlace(d *ScheduleDraft) error {
	var location, link []string
	for _, line := range strings.Split(c.in.Text, "\n") {
		line = strings.TrimSpace(line)
		switch l := asciiLower(line); {
		case line == "":
		case strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://"):
			link = append(link, line)
		default:
			location = append(location, line)
		}
	}
	loc, url := strings.Join(location, ", "), strings.Join(link, " ")
	if c.in.Kind != KindText || (loc == "" && url == "") || len(link) > 1 || strings.ContainsAny(url, " \t") ||
		utf8.RuneCountInString(loc) > maxPlaceLen || len(url) > maxPlaceLen {
		c.say(Reply{Text: T("jadwal.tempat_salah", "Max", maxPlaceLen)})
		return nil
	}
	d.Change.Place, d.Change.Location, d.Change.OnlineURL = true, loc, url
	d.Rev++
	return c.schedulePreview(d, false)
}

// schedulePreview shows the batch as it is and as it will be, and who will be told.
func (c *conv) schedulePreview(d *ScheduleDraft, edit bool) error {
	course, b, err := c.e.catalog.Batch(c.ctx, d.BatchID)
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	next := d.Change.Apply(b)
	c.st.Schedule, c.dirty = d, true
	id := strconv.FormatInt(b.ID, 10)
	if next.StartsAt.Equal(b.StartsAt) && next.EndsAt.Equal(b.EndsAt) && next.Location == b.Location && next.OnlineURL == b.OnlineURL {
		c.st.Step = stepScheduleMenu
		c.say(Reply{Edit: edit, Text: T("jadwal.tidak_berubah"), Buttons: [][]Button{{Btn("umum.kembali", "j:m:"+id)}}})
		return nil
	}
	c.st.Step = stepSchedulePeek
	z := b.Zone()
	c.say(Reply{
		Edit: edit,
		Text: T("jadwal.pratinjau", "Title", course.Title, "Batch", b.Name,
			"OldStart", b.StartsAt.In(z), "OldEnd", b.EndsAt.In(z), "OldPlace", placeText(b),
			"NewStart", next.StartsAt.In(z), "NewEnd", next.EndsAt.In(z), "NewPlace", placeText(next),
			"Count", b.Registered+b.Waiting),
		Buttons: [][]Button{{Btn("jadwal.simpan", "j:s:"+id+":"+strconv.Itoa(d.Rev))},
			{Btn("jadwal.ubah_lagi", "j:m:"+id), Btn("jadwal.tutup", "j:q:"+id)}},
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
