package flows

import (
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// /siaran: choose the audience, see how many people that is, write the message, see it as a
// recipient will, then send it now or at a time. /batal, or "Batal", leaves at any step.

const (
	nsAnnounce = "sr"

	flowAnnounce    = "siaran"
	stepAnnAudience = "audience"
	stepAnnCode     = "code"
	stepAnnBatch    = "batch"
	stepAnnStatus   = "status"
	stepAnnAgency   = "agency"
	stepAnnBody     = "body"
	stepAnnPeek     = "preview"
	stepAnnAt       = "at"
	stepAnnNight    = "night"

	agenciesPerPage = 8
)

// AnnounceDraft is the announcement being written.
type AnnounceDraft struct {
	// Key names the draft: a second press on "Kirim" finds the announcement of the first.
	Key         string    `json:"key"`
	Audience    Audience  `json:"audience"`
	Count       int       `json:"count,omitempty"`
	Body        string    `json:"body,omitempty"`
	MediaKind   string    `json:"media_kind,omitempty"`
	MediaFile   string    `json:"media_file,omitempty"`
	LinkPreview bool      `json:"link_preview,omitempty"`
	At          time.Time `json:"at,omitzero"`
	// Agencies are the keys of the agencies on the page shown, so that a button names the
	// agency it showed even if the list changed meanwhile.
	Agencies []string `json:"agencies,omitempty"`
}

func (d *AnnounceDraft) announcement() Announcement {
	return Announcement{Audience: d.Audience, Body: d.Body, MediaKind: d.MediaKind, MediaFile: d.MediaFile,
		LinkPreview: d.LinkPreview}
}

// announceCommand starts the wizard.
func (c *conv) announceCommand() error { return c.announceStart(false) }

func (c *conv) announceFromMenu() error { return c.announceStart(true) }

func (c *conv) announceStart(edit bool) error {
	key, err := randomCode()
	if err != nil {
		return err
	}
	c.set(State{Flow: flowAnnounce, Step: stepAnnAudience, Announce: &AnnounceDraft{Key: key}})
	c.say(audienceQuestion(edit, Text{}))
	return nil
}

func audienceQuestion(edit bool, before Text) Reply {
	b := func(kind AudienceKind) Button {
		return Btn("siaran.pilih."+string(kind), cb(nsAnnounce, "a", string(kind)))
	}
	r := Reply{Edit: edit, Text: T("siaran.pilih_sasaran"), Buttons: [][]Button{
		{b(AudienceAll), b(AudienceAgency)},
		{b(AudienceCourse), b(AudienceBatch)},
		{b(AudienceNoSurvey)},
		{Btn("siaran.batal", cb(nsAnnounce, "x"))},
	}}
	if !before.IsZero() {
		r.Text, r.Parts = before, []Text{r.Text}
	}
	return r
}

// withAnnounce runs h with the chat's draft; a chat without one has lost it (an old state).
func withAnnounce(h func(*conv, *AnnounceDraft) error) handler {
	return func(c *conv) error {
		if c.st.Announce == nil {
			c.clear()
			return c.expired()
		}
		return h(c, c.st.Announce)
	}
}

// announceButton takes every button of the wizard.
func (c *conv) announceButton(d *AnnounceDraft) error {
	switch c.data.action {
	case "x":
		c.clear()
		c.say(Reply{Edit: true, Text: T("siaran.dibatalkan")})
		return nil
	case "a":
		return c.announceAudience(d, AudienceKind(c.data.arg(0)))
	case "b":
		return c.announceBatch(d)
	case "s":
		return c.announceStatuses(d)
	case "g":
		return c.announceAgency(d)
	case "gp":
		page, _ := c.data.id(0)
		return c.agencyPage(d, int(page))
	case "back":
		c.st.Step = stepAnnAudience
		c.set(c.st)
		c.say(audienceQuestion(true, Text{}))
		return nil
	case "e":
		c.st.Step = stepAnnBody
		c.set(c.st)
		c.say(Reply{Text: bodyQuestion(d)})
		return nil
	case "k", "u", "n", "j", "ju", "l":
		if c.st.Step != stepAnnPeek && c.st.Step != stepAnnNight && c.st.Step != stepAnnAt {
			return c.expired() // a button of an earlier preview, while the message is being rewritten
		}
	}
	switch c.data.action {
	case "l":
		d.LinkPreview = !d.LinkPreview
		c.set(c.st)
		return c.announcePreview(d)
	case "k":
		return c.announceSend(d, false)
	case "u":
		return c.announceSend(d, true)
	case "n":
		d.At = c.nextMorning()
		return c.announceSchedule(d, false)
	case "j":
		c.st.Step = stepAnnAt
		c.set(c.st)
		c.say(Reply{Text: T("siaran.tanya_waktu")})
		return nil
	case "ju":
		return c.announceSchedule(d, true)
	}
	return c.expired()
}

func (c *conv) announceAudience(d *AnnounceDraft, kind AudienceKind) error {
	switch kind {
	case AudienceAll:
		d.Audience = Audience{Kind: kind}
		return c.announceCount(d)
	case AudienceAgency:
		d.Audience = Audience{Kind: kind}
		return c.agencyPage(d, 0)
	case AudienceCourse, AudienceBatch, AudienceNoSurvey:
		d.Audience = Audience{Kind: kind}
		c.st.Step = stepAnnCode
		c.set(c.st)
		c.say(Reply{Edit: true, Text: T("siaran.tanya_kode"), Buttons: [][]Button{{Btn("siaran.batal", cb(nsAnnounce, "x"))}}})
		return nil
	}
	return c.expired()
}

// announceCode takes the course code typed for a course, batch or survey audience.
func (c *conv) announceCode(d *AnnounceDraft) error {
	if c.in.Kind != KindText {
		c.say(Reply{Text: T("siaran.tanya_kode")})
		return nil
	}
	code := strings.TrimSpace(c.in.Text)
	course, batches, _, err := c.e.store.Roster(c.ctx, code)
	if errors.Is(err, ErrNotFound) {
		c.say(Reply{Text: T("peserta.tidak_ada_kode", "Code", code)})
		return nil
	}
	if err != nil {
		return fmt.Errorf("course %s: %w", code, err)
	}
	d.Audience.Course, d.Audience.CourseTitle = course.Code, course.Title
	if d.Audience.Kind == AudienceCourse {
		return c.announceCount(d)
	}
	if len(batches) == 0 {
		c.say(Reply{Text: T("jadwal.tanpa_angkatan", "Title", course.Title)})
		return nil
	}
	rows := batchChoices(batches, func(b Batch) string { return cb(nsAnnounce, "b", b.ID) })
	rows = append(rows, []Button{Btn("siaran.batal", cb(nsAnnounce, "x"))})
	c.st.Step = stepAnnBatch
	c.set(c.st)
	c.say(Reply{Text: T("siaran.pilih_angkatan", "Title", course.Title), Buttons: rows})
	return nil
}

func (c *conv) announceBatch(d *AnnounceDraft) error {
	id, ok := c.data.id(0)
	if !ok || d.Audience.Course == "" {
		return c.expired()
	}
	course, b, err := c.e.store.Batch(c.ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && course.Code != d.Audience.Course) {
		return c.expired()
	}
	if err != nil {
		return fmt.Errorf("batch %d: %w", id, err)
	}
	d.Audience.BatchID, d.Audience.BatchName = b.ID, b.Name
	if d.Audience.Kind == AudienceNoSurvey {
		return c.announceCount(d)
	}
	c.st.Step = stepAnnStatus
	c.set(c.st)
	c.say(Reply{Edit: true, Text: T("siaran.pilih_status", "Batch", b.Name), Buttons: [][]Button{
		{Btn("siaran.status_terdaftar", cb(nsAnnounce, "s", "r")), Btn("siaran.status_tunggu", cb(nsAnnounce, "s", "w"))},
		{Btn("siaran.status_keduanya", cb(nsAnnounce, "s", "rw"))},
		{Btn("siaran.batal", cb(nsAnnounce, "x"))},
	}})
	return nil
}

func (c *conv) announceStatuses(d *AnnounceDraft) error {
	if d.Audience.BatchID == 0 {
		return c.expired()
	}
	switch c.data.arg(0) {
	case "r": // a seat, whatever attendance made of it (hadir, selesai) once the batch ended
		d.Audience.Statuses = SeatStatuses
	case "w":
		d.Audience.Statuses = []EnrolmentStatus{Waiting}
	case "rw":
		d.Audience.Statuses = append(slices.Clone(SeatStatuses), Waiting)
	default:
		return c.expired()
	}
	return c.announceCount(d)
}

// agencyPage shows a page of the agencies on record, as buttons.
func (c *conv) agencyPage(d *AnnounceDraft, page int) error {
	list, err := c.e.store.Agencies(c.ctx)
	if err != nil {
		return fmt.Errorf("agencies: %w", err)
	}
	if len(list) == 0 {
		c.say(audienceQuestion(true, T("siaran.tanpa_instansi")))
		return nil
	}
	pages := (len(list) + agenciesPerPage - 1) / agenciesPerPage
	page = min(max(page, 0), pages-1)
	shown := list[page*agenciesPerPage : min(len(list), (page+1)*agenciesPerPage)]
	d.Agencies = d.Agencies[:0]
	rows := make([][]Button, 0, len(shown)+2)
	for i, a := range shown {
		d.Agencies = append(d.Agencies, a.Key)
		rows = append(rows, []Button{{Label: T("siaran.instansi_baris", "Name", cutRunes(a.Name, 30), "Count", a.Count),
			Data: cb(nsAnnounce, "g", i)}})
	}
	var nav []Button
	if page > 0 {
		nav = append(nav, Btn("katalog.sebelumnya", cb(nsAnnounce, "gp", page-1)))
	}
	if page < pages-1 {
		nav = append(nav, Btn("katalog.berikutnya", cb(nsAnnounce, "gp", page+1)))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, []Button{Btn("siaran.batal", cb(nsAnnounce, "x"))})
	c.st.Step = stepAnnAgency
	c.set(c.st)
	c.say(Reply{Edit: true, Text: T("siaran.pilih_instansi", "Page", page+1, "Pages", pages), Buttons: rows})
	return nil
}

func (c *conv) announceAgency(d *AnnounceDraft) error {
	i, err := strconv.Atoi(c.data.arg(0))
	if err != nil || i < 0 || i >= len(d.Agencies) {
		return c.expired()
	}
	key := d.Agencies[i]
	list, err := c.e.store.Agencies(c.ctx)
	if err != nil {
		return fmt.Errorf("agencies: %w", err)
	}
	d.Audience = Audience{Kind: AudienceAgency, Agency: key, AgencyName: key}
	for _, a := range list {
		if a.Key == key {
			d.Audience.AgencyName = a.Name
		}
	}
	return c.announceCount(d)
}

// announceCount says how many people the audience holds; none, and the audience is asked again.
func (c *conv) announceCount(d *AnnounceDraft) error {
	n, _, err := c.e.store.Audience(c.ctx, d.Audience)
	if err != nil {
		return fmt.Errorf("audience: %w", err)
	}
	if n == 0 {
		return c.nobody(d, c.callback())
	}
	d.Count = n
	c.st.Step = stepAnnBody
	c.set(c.st)
	c.say(Reply{Edit: c.callback(), Text: T("siaran.jumlah", "Audience", d.Audience.label(), "Count", n),
		Parts: []Text{bodyQuestion(d)}})
	return nil
}

// nobody says that the audience holds no one, and asks for another.
func (c *conv) nobody(d *AnnounceDraft, edit bool) error {
	c.st.Step = stepAnnAudience
	c.set(c.st)
	c.say(audienceQuestion(edit, T("siaran.nol", "Audience", d.Audience.label())))
	return nil
}

func bodyQuestion(d *AnnounceDraft) Text {
	return T("siaran.tanya_pesan", "Seats", d.Audience.aboutSeats())
}

// announceBody takes the message: text with its formatting, or one photo or document with a
// caption.
func (c *conv) announceBody(d *AnnounceDraft) error {
	body := c.in.HTML
	if body == "" {
		body = html.EscapeString(c.in.Text)
	}
	switch c.in.Kind {
	case KindText:
		d.MediaKind, d.MediaFile = "", ""
	case KindPhoto:
		d.MediaKind, d.MediaFile = "photo", c.in.Document.FileID
	case KindDocument:
		d.MediaKind, d.MediaFile = "document", c.in.Document.FileID
	default:
		c.say(Reply{Text: T("siaran.bukan_pesan")})
		return nil
	}
	if UTF16Len(PlainOf(body)) > MaxMessage {
		c.say(Reply{Text: T("siaran.terlalu_panjang", "Max", MaxMessage)})
		return nil
	}
	if t := checkPlaceholders(body, d.Audience); !t.IsZero() {
		c.say(Reply{Text: t})
		return nil
	}
	d.Body = body
	c.st.Step = stepAnnPeek
	c.set(c.st)
	return c.announcePreview(d)
}

// announcePreview shows the message exactly as one real recipient will get it, then what
// can be done with it.
func (c *conv) announcePreview(d *AnnounceDraft) error {
	n, sample, err := c.e.store.Audience(c.ctx, d.Audience)
	if err != nil {
		return fmt.Errorf("audience: %w", err)
	}
	if n == 0 { // everyone left it since it was counted
		return c.nobody(d, false)
	}
	d.Count = n
	for _, r := range AnnouncementReplies(d.announcement(), sample) {
		c.say(r)
	}
	preview := "siaran.pratinjau_mati"
	if d.LinkPreview {
		preview = "siaran.pratinjau_nyala"
	}
	c.say(Reply{Text: T("siaran.periksa", "Audience", d.Audience.label(), "Count", n, "Name", sample.Participant.Name),
		Buttons: [][]Button{
			{Btn("siaran.kirim", cb(nsAnnounce, "k")), Btn("siaran.jadwalkan", cb(nsAnnounce, "j"))},
			{Btn(preview, cb(nsAnnounce, "l")), Btn("siaran.ubah", cb(nsAnnounce, "e"))},
			{Btn("siaran.batal", cb(nsAnnounce, "x"))},
		}})
	return nil
}

// quiet reports whether t falls in the quiet hours on the agency's clock.
func (c *conv) quiet(t time.Time) bool {
	h := t.In(c.e.zone).Hour()
	return h >= quietFrom || h < quietTo
}

func (c *conv) nextMorning() time.Time { return outOfQuietHours(c.e.now().In(c.e.zone)) }

// announceSend sends now; at night, only when the admin says it is urgent.
func (c *conv) announceSend(d *AnnounceDraft, urgent bool) error {
	if d.Body == "" && d.MediaFile == "" {
		return c.expired()
	}
	now := c.e.now()
	if c.quiet(now) && !urgent {
		c.st.Step = stepAnnNight
		c.set(c.st)
		c.say(Reply{Edit: true, Text: T("siaran.malam", "Morning", c.nextMorning()), Buttons: [][]Button{
			{Btn("siaran.kirim_pagi", cb(nsAnnounce, "n"))},
			{Btn("siaran.kirim_mendesak", cb(nsAnnounce, "u"))},
			{Btn("siaran.batal", cb(nsAnnounce, "x"))},
		}})
		return nil
	}
	a := d.announcement()
	a.SendAt, a.Urgent, a.Status = now, urgent, AnnSending
	a.StatusChat, a.StatusMessage = c.in.ChatID, c.in.MessageID
	if _, err := c.e.store.CreateAnnouncement(c.ctx, &a, d.Key, c.actor(), now); err != nil {
		return fmt.Errorf("create announcement: %w", err)
	}
	c.clear()
	a.Total = d.Count // until its recipients are fixed, a moment from now
	c.say(AnnouncementStatus(a, 0))
	return nil
}

// announceAt takes the time typed for a scheduled announcement.
func (c *conv) announceAt(d *AnnounceDraft) error {
	at, ok := catalogfile.ParseDate(strings.TrimSpace(c.in.Text), c.e.zone, false)
	if c.in.Kind != KindText || !ok {
		c.say(Reply{Text: T("siaran.waktu_salah")})
		return nil
	}
	if !at.After(c.e.now()) {
		c.say(Reply{Text: T("siaran.waktu_lewat")})
		return nil
	}
	d.At = at
	if c.quiet(at) {
		c.st.Step = stepAnnNight
		c.set(c.st)
		c.say(Reply{Text: T("siaran.waktu_malam", "At", at.In(c.e.zone)), Buttons: [][]Button{
			{Btn("siaran.tetap_mendesak", cb(nsAnnounce, "ju"))},
			{Btn("siaran.batal", cb(nsAnnounce, "x"))},
		}})
		return nil
	}
	return c.announceSchedule(d, false)
}

// announceSchedule stores the announcement for its time (d.At).
func (c *conv) announceSchedule(d *AnnounceDraft, urgent bool) error {
	if d.At.IsZero() || (d.Body == "" && d.MediaFile == "") {
		return c.expired()
	}
	now := c.e.now()
	a := d.announcement()
	a.SendAt, a.Urgent, a.Status = d.At, urgent, AnnScheduled
	a.StatusChat = c.in.ChatID
	if _, err := c.e.store.CreateAnnouncement(c.ctx, &a, d.Key, c.actor(), now); err != nil {
		return fmt.Errorf("create announcement: %w", err)
	}
	c.clear()
	c.say(Reply{Edit: c.callback(), Text: T("siaran.terjadwal", "ID", a.ID, "At", a.SendAt.In(c.e.zone),
		"Audience", a.Audience.label(), "Count", d.Count),
		Buttons: [][]Button{{Btn("siaran.batalkan_jadwal", cb(nsAnnounce, "c", a.ID))}}})
	return nil
}

// scheduledPage lists the announcements still to go, each with its cancel button.
func (c *conv) scheduledPage() error {
	list, err := c.e.store.ScheduledAnnouncements(c.ctx)
	if err != nil {
		return fmt.Errorf("scheduled announcements: %w", err)
	}
	lines := make([]Text, 0, len(list))
	rows := make([][]Button, 0, len(list)+1)
	for _, a := range list {
		lines = append(lines, T("siaran.baris_jadwal", "ID", a.ID, "At", a.SendAt.In(c.e.zone), "Audience", a.Audience.label()))
		rows = append(rows, []Button{{Label: T("siaran.batalkan_no", "ID", a.ID), Data: cb(nsAnnounce, "c", a.ID)}})
	}
	rows = append(rows, adminBack())
	c.say(Reply{Edit: c.callback(), Text: T("siaran.daftar_jadwal", "Lines", lines, "Empty", len(list) == 0), Buttons: rows})
	return nil
}

// askCancelScheduled asks before a scheduled announcement is cancelled.
func (c *conv) askCancelScheduled() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	c.say(Reply{Edit: true, Text: T("siaran.batalkan_tanya", "ID", id), Buttons: [][]Button{
		{Btn("siaran.batalkan_ya", cb(nsAnnounce, "cy", id)), Btn("admin.kembali", cb(nsAdmin, "terjadwal"))}}})
	return nil
}

func (c *conv) cancelScheduled() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	done, err := c.e.store.CancelAnnouncement(c.ctx, id, c.actor(), c.e.now())
	if err != nil {
		return fmt.Errorf("cancel announcement: %w", err)
	}
	key := "siaran.jadwal_dibatalkan"
	if !done {
		key = "siaran.jadwal_sudah_jalan"
	}
	c.say(Reply{Edit: true, Text: T(key, "ID", id), Buttons: [][]Button{adminBack()}})
	return nil
}

// stopAnnouncement ("Hentikan") stops what has not gone yet.
func (c *conv) stopAnnouncement() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	a, stopped, err := c.e.store.StopAnnouncement(c.ctx, id, c.actor(), c.e.now())
	if errors.Is(err, ErrNotFound) {
		return c.expired()
	}
	if err != nil {
		return fmt.Errorf("stop announcement: %w", err)
	}
	if !stopped {
		c.toast(T("siaran.sudah_selesai"))
	}
	c.say(AnnouncementStatus(a, 0))
	return nil
}
