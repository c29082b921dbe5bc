package flows

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"
)

// From 1 October, a PNS below the 20 JP of the year gets one nudge a month, at 09.00 in the
// agency's zone, with open trainings that would close the gap; they can turn it off. A daily
// sweep (JPNudgeSweep) finds who is below and plans a nudge each (JPNudge), so a province's
// worth goes out at the shared rate limit like any announcement.

// NudgeFromMonth is the first month of the year with nudges: the last quarter.
const NudgeFromMonth = time.October

// NudgeHour is when the daily sweep runs, in the agency's zone.
const NudgeHour = 9

// JPNudgeSweep finds, on one day, who should be nudged this month.
type JPNudgeSweep struct {
	Day string `json:"day"` // 2026-10-01: one sweep a day, however many replicas plan it
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (JPNudgeSweep) Kind() string { return "jp_nudge_sweep" }

// JPNudge nudges one participant for one month.
type JPNudge struct {
	ParticipantID int64  `json:"participant_id"`
	Month         string `json:"month"` // 2026-10
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (JPNudge) Kind() string { return "jp_nudge" }

// Nudger sweeps and nudges: the bot's side, which sends.
type Nudger interface {
	SweepJP(ctx context.Context, day string) error
	NudgeJP(ctx context.Context, participantID int64, month string) error
}

// AddNudgeWorkers registers the nudge's jobs.
func AddNudgeWorkers(ws *river.Workers, n Nudger) {
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[JPNudgeSweep]) error {
		return n.SweepJP(ctx, job.Args.Day)
	}))
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[JPNudge]) error {
		return n.NudgeJP(ctx, job.Args.ParticipantID, job.Args.Month)
	}))
}

// NextSweep is when the sweep after now runs: today at NudgeHour if that is still to come,
// else tomorrow's.
func NextSweep(now time.Time, zone *time.Location) time.Time {
	t := now.In(zone)
	at := time.Date(t.Year(), t.Month(), t.Day(), NudgeHour, 0, 0, 0, zone)
	if !at.After(t) {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// NudgeTarget is a participant as the nudge needs them.
type NudgeTarget struct {
	Participant Participant
	JP          int  // this year's, completed
	Off         bool // turned off
}

// JPNudges is what the nudge needs of Postgres.
type JPNudges interface {
	// BelowDuty lists the PNS not nudged in month, not turned off and reachable, whose JP
	// completed in [from, to) is below duty.
	BelowDuty(ctx context.Context, from, to time.Time, duty int, month string) ([]int64, error)
	// NudgeTarget loads one participant with their JP in [from, to).
	NudgeTarget(ctx context.Context, participantID int64, from, to time.Time) (NudgeTarget, error)
	// MarkNudged records the month of the last nudge.
	MarkNudged(ctx context.Context, participantID int64, month string) error
	// SetJPNudge turns the nudge off (or on again) for a participant.
	SetJPNudge(ctx context.Context, participantID int64, off bool) error
	// JPNudgeOff reports whether a participant turned the nudge off.
	JPNudgeOff(ctx context.Context, participantID int64) (bool, error)
}

// NudgeReply is the nudge: the JP so far, the gap, and up to three open trainings.
func NudgeReply(t NudgeTarget, year int, offer []CourseSummary) Reply {
	lines := make([]Text, 0, len(offer))
	var numbers []Button
	for i, s := range offer {
		b := s.NextBatch
		lines = append(lines, T("jp.nudge_baris", "N", i+1, "Title", s.Course.Title, "JP", s.Course.JP,
			"Start", ShortDate{b.StartsAt.In(b.Zone())}))
		numbers = append(numbers, Button{Label: Raw(strconv.Itoa(i + 1)), Data: cb(nsBrowse, "c", s.Course.Code)})
	}
	r := Reply{Text: T("jp.nudge", "Name", t.Participant.Name, "Year", year, "Total", t.JP, "Left", pnsDutyJP-t.JP,
		"Bar", jpBar(t.JP, pnsDutyJP))}
	if len(lines) > 0 {
		r.Parts = []Text{T("jp.nudge_pilihan", "Lines", lines)}
		r.Buttons = append(r.Buttons, numbers)
	}
	r.Buttons = append(r.Buttons, []Button{Btn("jp.nudge_mati", cb(nsJP, "off"))})
	return r
}

// jpNudgeSwitch turns the monthly nudge off ("jp:off") or on ("jp:on").
func (c *conv) jpNudgeSwitch() error {
	off := c.data.action == "off"
	if err := c.e.store.SetJPNudge(c.ctx, c.p.ID, off); err != nil {
		return fmt.Errorf("jp nudge: %w", err)
	}
	key := "jp.nudge_dimatikan"
	if !off {
		key = "jp.nudge_dinyalakan"
	}
	c.say(Reply{Edit: true, Text: T(key), Buttons: [][]Button{{Btn("jp.tombol", cb(nsMine, "jp")), homeButton()}}})
	return nil
}
