package flows

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/riverqueue/river"
	qrcode "github.com/skip2/go-qrcode"
)

// The check-in board: one picture message in the admin's chat, to put on the projector or
// share in the meeting. Its QR opens t.me/<bot>?start=h_<code>, its caption shows the same
// code, the count and the buttons; both change every 30 seconds, edited in place by a job
// per period (AttendanceBoard), which plans the next one while the session is open.

// AttendanceBoard shows (or updates) a session's board for one period of its code.
type AttendanceBoard struct {
	SessionID int64 `json:"session_id"`
	Period    int64 `json:"period"` // the code's period: one job per period, however often it is planned
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (AttendanceBoard) Kind() string { return "attendance_board" }

// Period is the code period at t; PeriodStart is when period begins.
func Period(t time.Time) int64 { return t.Unix() / int64(codePeriod/time.Second) }

// PeriodStart is when a code period begins.
func PeriodStart(period int64) time.Time {
	return time.Unix(period*int64(codePeriod/time.Second), 0).UTC()
}

// Boarder shows boards: the bot's side, which can post and edit pictures.
type Boarder interface {
	ShowBoard(ctx context.Context, sessionID, period int64) error
}

// AddAttendanceWorker registers the board's job.
func AddAttendanceWorker(ws *river.Workers, b Boarder) {
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[AttendanceBoard]) error {
		return b.ShowBoard(ctx, job.Args.SessionID, job.Args.Period)
	}))
}

// BoardReply is the board of session s at now: the QR of the current code (a crossed image
// once closed) with the screen as its caption, and its buttons while open.
func BoardReply(s AttendanceSession, presence []Presence, now time.Time, username string) (Reply, error) {
	screen := boardScreen(s, presence, now)
	img, err := boardImage(s, now, username)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Photo: &File{Name: "qr-presensi.png", Content: img, Caption: screen}}
	if s.Open(now) {
		r.Buttons = [][]Button{
			{Btn("presensi.perbarui", cb(nsAttend, "r", s.ID)), Btn("presensi.belum", cb(nsAttend, "m", s.ID))},
			{Btn("presensi.tandai", cb(nsAttend, "t", s.ID)), Btn("presensi.tutup", cb(nsAttend, "x", s.ID))},
		}
	}
	return r, nil
}

// boardScreen is the board's caption: the code, the count, the late time.
func boardScreen(s AttendanceSession, presence []Presence, now time.Time) Text {
	present, late := 0, 0
	for _, p := range presence {
		if !p.At.IsZero() {
			present++
			if p.Late {
				late++
			}
		}
	}
	code := s.Code(now)
	return T("presensi.layar", "Open", s.Open(now), "Title", s.Course.Title, "Batch", s.Batch.Name,
		"Day", dateOnly(s.Day), "Code", code[:3]+" "+code[3:], "Present", present, "Total", len(presence), "Late", late,
		"LateAfter", clockOf(s.LateAfter, s.Batch.Zone()))
}

// checkInLink is what the board's QR opens: the bot, with the code to check in with.
func checkInLink(username, code string) string {
	return "https://t.me/" + username + "?start=h_" + code
}

// boardImage is the QR of the current check-in link, or a crossed square once closed, so
// that a projector left on shows nothing to scan.
func boardImage(s AttendanceSession, now time.Time, username string) ([]byte, error) {
	if !s.Open(now) {
		return closedImage()
	}
	return qrcode.Encode(checkInLink(username, s.Code(now)), qrcode.Medium, 512)
}

// closedImage is a grey square crossed in red.
func closedImage() ([]byte, error) {
	const n, w = 256, 12
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	grey, red := color.RGBA{0xee, 0xee, 0xee, 0xff}, color.RGBA{0xc6, 0x28, 0x28, 0xff}
	for y := range n {
		for x := range n {
			c := grey
			if d := x - y; (d > -w && d < w) || (x+y-n > -w && x+y-n < w) {
				c = red
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
