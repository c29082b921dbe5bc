package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bpsdm/asnbot/flows/catalogfile"
)

const (
	flowSchedule = "jadwal"

	stepScheduleMenu   = "menu"
	stepScheduleDates  = "dates"
	stepSchedulePlace  = "place"
	stepSchedulePeek   = "preview"
	stepScheduleCancel = "cancel"
	stepScheduleSurvey = "survey"
)

// maxPlaceLen bounds a place or link an admin types.
const maxPlaceLen = 300

// scheduleCommand answers /ubahjadwal <kode> <angkatan>: the batch's card with what can be
// changed, or the course's batches to choose from when the batch is not named.
func (c *conv) scheduleCommand() error {
	code, name, _ := strings.Cut(strings.TrimSpace(c.in.Text), " ")
	course, batches, _, ok, err := c.adminCourse(code, "jadwal.cara")
	if !ok {
		return err
	}
	if b, ok := batchNamed(batches, name); ok {
		return c.scheduleMenu(b.ID, false)
	}
	rows := batchChoices(batches, func(b Batch) string { return cb(nsSchedule, "b", b.ID) })
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
	course, b, err := c.e.store.Batch(c.ctx, batchID)
	if errors.Is(err, ErrNotFound) {
		c.clear()
		return c.expired()
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
	rows := [][]Button{
		{Btn("jadwal.ubah_tanggal", cb(nsSchedule, "d", b.ID)), Btn("jadwal.ubah_tempat", cb(nsSchedule, "p", b.ID))},
	}
	if d.Change.Dates || d.Change.Place {
		rows = append(rows, []Button{Btn("jadwal.periksa", cb(nsSchedule, "v", b.ID))})
	}
	rows = append(rows, []Button{Btn("jadwal.buka_survei", cb(nsSchedule, "o", b.ID))},
		[]Button{Btn("jadwal.batalkan", cb(nsSchedule, "x", b.ID))}, []Button{Btn("jadwal.tutup", cb(nsSchedule, "q", b.ID))})
	c.say(Reply{Edit: edit, Text: T("jadwal.judul"), Parts: []Text{card, T("jadwal.tanya")}, Buttons: rows})
	return nil
}

func batchCard(course Course, b Batch) Text {
	z := b.Zone()
	return T("jadwal.kartu", "Title", course.Title, "Code", course.Code, "Batch", b.Name, "Start", b.StartsAt.In(z),
		"End", b.EndsAt.In(z), "Place", placeText(b), "Registered", b.Registered, "Quota", b.Quota, "Waiting", b.Waiting)
}

// withDraft gives h the change being prepared; a state without one (left by an older
// version) leaves the flow.
func withDraft(h func(*conv, *ScheduleDraft) error) handler {
	return func(c *conv) error {
		if c.st.Schedule == nil {
			return c.leave()
		}
		return h(c, c.st.Schedule)
	}
}

// useButtons answers typing where a button is expected, and keeps the flow.
func (c *conv) useButtons() error {
	c.say(Reply{Text: T("jadwal.pakai_tombol")})
	return nil
}

// scheduleButton handles /ubahjadwal's buttons ("j:<action>:<batch>[:<rev>]").
func (c *conv) scheduleButton(d *ScheduleDraft) error {
	action, id, rev := c.data.action, c.data.arg(0), c.data.arg(1)
	if action == "b" {
		return c.schedulePick()
	}
	// Every button names its batch: one left on an older message must not act on the batch
	// being changed now.
	if id != strconv.FormatInt(d.BatchID, 10) {
		return c.expired()
	}
	back := [][]Button{{Btn("umum.kembali", cb(nsSchedule, "m", d.BatchID))}}
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
			return c.expired()
		}
		if d.Change.Dates && !d.Change.StartsAt.After(c.e.now()) {
			c.st.Step, c.dirty = stepScheduleMenu, true
			c.say(Reply{Edit: true, Text: T("jadwal.mulai_lampau"), Buttons: back})
			return nil
		}
		n, err := c.e.store.ChangeBatch(c.ctx, d.BatchID, d.Change, c.e.now(), c.actor())
		return c.scheduleDone("jadwal.disimpan", n, err)
	case "x":
		course, b, err := c.e.store.Batch(c.ctx, d.BatchID)
		if err != nil {
			return fmt.Errorf("batch: %w", err)
		}
		c.st.Step, c.dirty = stepScheduleCancel, true
		c.say(Reply{Edit: true, Text: T("jadwal.tanya_batal", "Title", course.Title, "Batch", b.Name,
			"Registered", b.Registered, "Waiting", b.Waiting), Buttons: [][]Button{
			{Btn("jadwal.ya_batalkan", cb(nsSchedule, "xy", d.BatchID))}, back[0]}})
	case "xy":
		if c.st.Step != stepScheduleCancel {
			return c.expired()
		}
		n, err := c.e.store.CancelBatch(c.ctx, d.BatchID, c.e.now(), c.actor())
		return c.scheduleDone("jadwal.dibatalkan", n, err)
	case "o":
		return c.askOpenSurvey(d)
	case "oy":
		return c.openSurveyNow(d)
	default:
		return c.expired()
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

// schedulePick opens a batch chosen from the list ("j:b:<batch>").
func (c *conv) schedulePick() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	return c.scheduleMenu(id, true)
}

// scheduleDates reads "start - end" in the batch's zone.
func (c *conv) scheduleDates(d *ScheduleDraft) error {
	_, b, err := c.e.store.Batch(c.ctx, d.BatchID)
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	start, end, ok := catalogfile.ParsePeriod(c.in.Text, b.Zone())
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

// schedulePlace reads a new place: an address, a link for an online class (https://), or
// both on two lines. The new place replaces the old one whole: a class moved online loses
// its hall, and the other way round.
func (c *conv) schedulePlace(d *ScheduleDraft) error {
	var location, link []string
	for _, line := range strings.Split(c.in.Text, "\n") {
		line = strings.TrimSpace(line)
		switch l := strings.ToLower(line); {
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
	course, b, err := c.e.store.Batch(c.ctx, d.BatchID)
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	next := d.Change.Apply(b)
	c.st.Schedule, c.dirty = d, true
	if next.StartsAt.Equal(b.StartsAt) && next.EndsAt.Equal(b.EndsAt) && next.Location == b.Location && next.OnlineURL == b.OnlineURL {
		c.st.Step = stepScheduleMenu
		c.say(Reply{Edit: edit, Text: T("jadwal.tidak_berubah"), Buttons: [][]Button{{Btn("umum.kembali", cb(nsSchedule, "m", b.ID))}}})
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
		Buttons: [][]Button{{Btn("jadwal.simpan", cb(nsSchedule, "s", b.ID, d.Rev))},
			{Btn("jadwal.ubah_lagi", cb(nsSchedule, "m", b.ID)), Btn("jadwal.tutup", cb(nsSchedule, "q", b.ID))}},
	})
	return nil
}
