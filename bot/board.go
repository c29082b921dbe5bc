package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
)

var _ flows.Boarder = (*Courier)(nil)

// ShowBoard implements flows.Boarder: it posts a session's check-in board in its opener's chat
// the first time, edits it (code, QR, count) afterwards, and plans the next change while the
// session is open. A job run late or twice edits to the same current board.
func (c *Courier) ShowBoard(ctx context.Context, sessionID, period int64) error {
	s, err := c.Records.AttendanceSession(ctx, sessionID)
	if errors.Is(err, flows.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := c.Now()
	if s.Board == 0 && !s.Open(now) {
		return nil // closed before it was ever shown
	}
	presence, err := c.Records.Presence(ctx, sessionID)
	if err != nil {
		return err
	}
	r, err := flows.BoardReply(s, presence, now, c.Username)
	if err != nil {
		return fmt.Errorf("board: %w", err)
	}
	if s.Board != 0 {
		edit := r
		edit.Edit = true
		_, err := c.Sender.send(ctx, s.BoardChat, s.Board, edit)
		switch {
		case err != nil && isEditGone(err) && s.Open(now):
			s.Board = 0 // the admin deleted the board, or it is too old to edit: a new one
		case err != nil:
			return fmt.Errorf("edit board: %w", err)
		}
	}
	if s.Board == 0 {
		id, err := c.Sender.Post(ctx, s.BoardChat, r)
		if err != nil {
			return fmt.Errorf("post board: %w", err)
		}
		if err := c.Records.SetAttendanceBoard(ctx, sessionID, id); err != nil {
			return err
		}
	}
	next := max(flows.Period(now), period) + 1
	if s.Open(now) && flows.PeriodStart(next).Before(s.EndsAt) {
		return c.Records.PlanAttendanceBoard(ctx, sessionID, next)
	}
	return nil
}

var _ flows.Completer = (*Courier)(nil)

// CompleteBatch implements flows.Completer: it settles the batch's attendance and tells whoever
// opened its last check-in, once however often the job runs.
func (c *Courier) CompleteBatch(ctx context.Context, batchID int64) error {
	rep, err := c.Records.CompleteBatch(ctx, batchID, c.Now())
	if err != nil || rep.Sessions == 0 {
		return err
	}
	err = c.deliverOnce(ctx, "", "completion:"+strconv.FormatInt(batchID, 10), rep.Chat, []flows.Reply{flows.CompletionReply(rep)}, nil)
	if errors.Is(err, ErrUnreachable) {
		return nil
	}
	return err
}

var _ flows.Teller = (*Courier)(nil)

// TellExternal implements flows.ExternalTeller: the participant hears of an admin's decision
// on their training done elsewhere, once.
func (c *Courier) TellExternal(ctx context.Context, id int64) error {
	x, p, err := c.Records.ExternalTarget(ctx, id)
	if errors.Is(err, flows.ErrNotFound) {
		return nil // the participant deleted their data
	}
	if err != nil || p.Unreachable {
		return err
	}
	err = c.deliverOnce(ctx, "", "external:"+strconv.FormatInt(id, 10), p.ChatID, []flows.Reply{flows.ExternalDecisionReply(x, p)}, nil)
	if errors.Is(err, ErrUnreachable) {
		return nil
	}
	return err
}

// TellRevoked implements flows.Teller: the holder hears that their certificate was revoked,
// once.
func (c *Courier) TellRevoked(ctx context.Context, id int64) error {
	cert, p, err := c.Records.CertificateHolder(ctx, id)
	if errors.Is(err, flows.ErrNotFound) {
		return nil // the holder deleted their data
	}
	if err != nil || p.Unreachable {
		return err
	}
	err = c.deliverOnce(ctx, "", "revoked:"+strconv.FormatInt(id, 10), p.ChatID, []flows.Reply{flows.RevokedReply(cert)}, nil)
	if errors.Is(err, ErrUnreachable) {
		return nil
	}
	return err
}

var _ flows.Nudger = (*Courier)(nil)

// SweepJP implements flows.Nudger: from October, every PNS below the year's duty and not yet
// nudged this month gets a nudge job; then the next day's sweep is planned.
func (c *Courier) SweepJP(ctx context.Context, _ string) error {
	now := c.Now().In(c.Zone)
	from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, c.Zone)
	month := now.Format("2006-01")
	var ids []int64
	if now.Month() >= flows.NudgeFromMonth {
		var err error
		if ids, err = c.Records.BelowDuty(ctx, from, from.AddDate(1, 0, 0), flows.PNSDutyJP, month); err != nil {
			return err
		}
	}
	next := flows.NextSweep(now, c.Zone)
	return c.Records.PlanJPNudges(ctx, ids, month, next.Format(time.DateOnly), next)
}

// NudgeJP implements flows.Nudger: one participant's monthly nudge, once, unless they reached
// the duty, turned it off or blocked the bot meanwhile.
func (c *Courier) NudgeJP(ctx context.Context, participantID int64, month string) error {
	now := c.Now().In(c.Zone)
	from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, c.Zone)
	t, err := c.Records.NudgeTarget(ctx, participantID, from, from.AddDate(1, 0, 0))
	if errors.Is(err, flows.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	p := t.Participant
	if t.Off || p.Unreachable || p.Kind != asn.PNS || t.JP >= flows.PNSDutyJP {
		return nil
	}
	offer, _, err := c.Records.Courses(ctx, flows.CourseFilter{Now: c.Now(), Limit: 3})
	if err != nil {
		return err
	}
	key := "jp_nudge:" + strconv.FormatInt(participantID, 10) + ":" + month
	err = c.deliverOnce(ctx, "", key, p.ChatID, []flows.Reply{flows.NudgeReply(t, now.Year(), offer)}, nil)
	if errors.Is(err, ErrUnreachable) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.Records.MarkNudged(ctx, participantID, month)
}
