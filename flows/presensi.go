package flows

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// lateTime is the optional last word of /presensi: the time after which a check-in is late.
var lateTime = regexp.MustCompile(`^([01]?\d|2[0-3])[.:]([0-5]\d)$`)

// attendanceCommand answers /presensi <kode> [angkatan] [jam]: it opens today's check-in of
// the batch, or lists the course's batches running today to choose from.
func (c *conv) attendanceCommand() error {
	args := strings.Fields(c.in.Text)
	late := ""
	if n := len(args); n > 1 && lateTime.MatchString(args[n-1]) {
		late, args = args[n-1], args[:n-1]
	}
	code, name := courseAndBatch(args)
	course, batches, _, ok, err := c.adminCourse(code, "presensi.cara")
	if !ok {
		return err
	}
	now := c.e.now()
	var today []Batch
	for _, b := range batches {
		if runsOn(b, now) {
			today = append(today, b)
		}
	}
	if b, ok := batchNamed(batches, name); ok || (name == "" && len(today) == 1) {
		if !ok {
			b = today[0]
		}
		return c.openAttendance(b, late, false)
	}
	if len(today) == 0 {
		c.say(Reply{Text: T("presensi.tidak_hari_ini", "Title", course.Title)})
		return nil
	}
	rows := batchChoices(today, func(b Batch) string { return cb(nsAttend, "b", b.ID, strings.ReplaceAll(late, ":", ".")) })
	c.say(Reply{Text: T("presensi.pilih", "Title", course.Title), Buttons: rows})
	return nil
}

// runsOn reports whether the batch has a day of training on now's date, in its own zone.
func runsOn(b Batch, now time.Time) bool {
	if b.Status != BatchOpen {
		return false
	}
	z := b.Zone()
	day := dayOf(now.In(z))
	return !day.Before(dayOf(b.StartsAt.In(z))) && !day.After(dayOf(b.EndsAt.In(z)))
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// attendancePick opens the batch a chooser's button names ("pr:b:<batch>:<late>").
func (c *conv) attendancePick() error {
	_, b, ok, err := c.pickedBatch()
	if !ok {
		return err
	}
	return c.openAttendance(b, c.data.rest(1), true)
}

// openAttendance opens today's check-in of b and shows its screen.
func (c *conv) openAttendance(b Batch, late string, edit bool) error {
	now := c.e.now()
	if !runsOn(b, now) {
		z := b.Zone()
		c.say(Reply{Edit: edit, Text: T("presensi.bukan_harinya", "Batch", b.Name, "Start", dateOnly(b.StartsAt.In(z)),
			"End", dateOnly(b.EndsAt.In(z)))})
		return nil
	}
	day := dayOf(now.In(b.Zone()))
	var lateAfter time.Time
	if m := lateTime.FindStringSubmatch(late); m != nil {
		h, _ := strconv.Atoi(m[1])
		min, _ := strconv.Atoi(m[2])
		lateAfter = day.Add(time.Duration(h)*time.Hour + time.Duration(min)*time.Minute)
	}
	s, err := c.e.store.OpenAttendance(c.ctx, b.ID, day, day.AddDate(0, 0, 1), lateAfter, c.actor(), now)
	if err != nil {
		return fmt.Errorf("open attendance: %w", err)
	}
	// The board itself comes from its job (AttendanceBoard), which keeps the message's id to
	// change its code every 30 seconds.
	c.say(Reply{Edit: edit, Text: T("presensi.dibuka", "Title", s.Course.Title, "Batch", s.Batch.Name,
		"Day", dateOnly(s.Day), "LateAfter", clockOf(s.LateAfter, s.Batch.Zone()))})
	return nil
}

// attendanceScreen edits the board whose button was pressed: the current code, QR and count.
func (c *conv) attendanceScreen(s AttendanceSession) error {
	list, err := c.e.store.Presence(c.ctx, s.ID)
	if err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	r, err := BoardReply(s, list, c.e.now(), c.e.username)
	if err != nil {
		return fmt.Errorf("board: %w", err)
	}
	r.Edit = true
	c.say(r)
	return nil
}

// clockOf is t's time of day in z ("08.15"), or "" for the zero time.
func clockOf(t time.Time, z *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(z)
	return fmt.Sprintf("%02d.%02d", t.Hour(), t.Minute())
}

// session loads the session a button names ("pr:<action>:<session>…").
func (c *conv) session() (AttendanceSession, bool, error) {
	id, ok := c.data.id(0)
	if !ok {
		return AttendanceSession{}, false, c.expired()
	}
	s, err := c.e.store.AttendanceSession(c.ctx, id)
	if errors.Is(err, ErrNotFound) {
		return s, false, c.expired()
	}
	if err != nil {
		return s, false, fmt.Errorf("attendance session: %w", err)
	}
	return s, true, nil
}

// attendanceRefresh shows the screen again with the current code and count ("pr:r").
func (c *conv) attendanceRefresh() error {
	s, ok, err := c.session()
	if !ok {
		return err
	}
	return c.attendanceScreen(s)
}

// attendanceMissing lists who has not checked in yet ("pr:m").
func (c *conv) attendanceMissing() error {
	s, ok, err := c.session()
	if !ok {
		return err
	}
	list, err := c.e.store.Presence(c.ctx, s.ID)
	if err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	var lines []Text
	for _, p := range list {
		if p.At.IsZero() {
			lines = append(lines, T("presensi.baris_belum", "Name", p.Name, "Agency", p.Agency))
		}
	}
	text := T("presensi.semua_hadir")
	if len(lines) > 0 {
		text = T("presensi.daftar_belum", "Count", len(lines), "Lines", lines[:min(len(lines), 50)])
	}
	// A message of its own: the board stays on the projector.
	c.say(Reply{Text: text})
	return nil
}

// attendanceMarkList lists the missing as buttons, to mark one present by hand ("pr:t"), in a
// message of its own (the board stays on the projector).
func (c *conv) attendanceMarkList() error {
	s, ok, err := c.session()
	if !ok {
		return err
	}
	r, err := c.markList(s)
	if err != nil {
		return err
	}
	c.say(r)
	return nil
}

func (c *conv) markList(s AttendanceSession) (Reply, error) {
	list, err := c.e.store.Presence(c.ctx, s.ID)
	if err != nil {
		return Reply{}, fmt.Errorf("presence: %w", err)
	}
	var rows [][]Button
	for _, p := range list {
		if p.At.IsZero() && len(rows) < 30 {
			rows = append(rows, []Button{{Label: Raw(cutRunes(p.Name, 30)), Data: cb(nsAttend, "h", s.ID, p.EnrolmentID)}})
		}
	}
	if len(rows) == 0 {
		return Reply{Text: T("presensi.semua_hadir")}, nil
	}
	return Reply{Text: T("presensi.pilih_tandai"), Buttons: rows}, nil
}

// attendanceMark marks one participant present by hand ("pr:h:<session>:<enrolment>"),
// audited; the list loses their name, the board counts them at its next change.
func (c *conv) attendanceMark() error {
	s, ok, err := c.session()
	if !ok {
		return err
	}
	enrolment, valid := c.data.id(1)
	if !valid || !s.Open(c.e.now()) {
		return c.expired()
	}
	_, err = c.e.store.MarkPresent(c.ctx, s.ID, enrolment, c.actor(), c.e.now())
	if errors.Is(err, ErrNoSeat) {
		return c.expired()
	}
	if err != nil {
		return fmt.Errorf("mark present: %w", err)
	}
	c.toast(T("presensi.ditandai"))
	r, err := c.markList(s)
	if err != nil {
		return err
	}
	r.Edit = true
	c.say(r)
	return nil
}

// attendanceClose closes the check-in ("pr:x").
func (c *conv) attendanceClose() error {
	s, ok, err := c.session()
	if !ok {
		return err
	}
	if s, err = c.e.store.CloseAttendance(c.ctx, s.ID, c.actor(), c.e.now()); err != nil {
		return fmt.Errorf("close attendance: %w", err)
	}
	return c.attendanceScreen(s)
}

// attendanceCode reads what a participant typed as a check-in code: six digits, spaces or a
// dash allowed ("482 913").
func attendanceCode(text string) (string, bool) {
	d := strings.NewReplacer(" ", "", "-", "", ".", "").Replace(strings.TrimSpace(text))
	if len(d) != 6 || strings.Trim(d, "0123456789") != "" {
		return "", false
	}
	return d, true
}

// checkIn takes a code typed (or brought by the QR's deep link) by a participant: the first
// open session it is valid for records their attendance.
func (c *conv) checkIn(code string) error {
	now := c.e.now()
	open, err := c.e.store.OpenAttendanceSessions(c.ctx, now)
	if err != nil {
		return fmt.Errorf("open sessions: %w", err)
	}
	if len(open) == 0 {
		c.say(Reply{Text: T("presensi.tidak_ada_yang_dibuka")})
		return nil
	}
	expired := false
	for _, s := range open {
		switch s.codeState(code, now) {
		case codeExpired:
			expired = true
		case codeValid:
			return c.checkInto(s, now)
		}
	}
	key := "presensi.kode_salah"
	if expired {
		key = "presensi.kode_kedaluwarsa"
	}
	c.say(Reply{Text: T(key)})
	return nil
}

func (c *conv) checkInto(s AttendanceSession, now time.Time) error {
	in, err := c.e.store.CheckIn(c.ctx, s.ID, c.p.ID, now)
	if errors.Is(err, ErrNoSeat) {
		c.say(Reply{Text: T("presensi.bukan_peserta", "Title", s.Course.Title, "Batch", s.Batch.Name)})
		return nil
	}
	if err != nil {
		return fmt.Errorf("check in: %w", err)
	}
	z := s.Batch.Zone()
	key := "presensi.tercatat"
	if in.Existing {
		key = "presensi.sudah_tercatat"
	}
	c.say(Reply{Text: T(key, "Title", s.Course.Title, "Batch", s.Batch.Name, "Day", dateOnly(s.Day),
		"At", clockOf(in.At, z), "Late", in.Late, "LateAfter", clockOf(s.LateAfter, z))})
	return nil
}
