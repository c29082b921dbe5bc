package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bpsdm/asnbot/flows"
)

// announceRecords is what announcing needs of Postgres, besides the delivery records.
type announceRecords interface {
	// StartAnnouncement fixes the recipients and plans a job each; started is false when
	// there was nothing to start.
	StartAnnouncement(ctx context.Context, id int64, now time.Time) (flows.Announcement, bool, error)
	// AnnouncementTo loads one recipient's announcement and person.
	AnnouncementTo(ctx context.Context, id, participant int64) (a flows.Announcement, r flows.Recipient, pending, found bool, err error)
	// RecordOutcome counts what became of one recipient.
	RecordOutcome(ctx context.Context, id, participant int64, o flows.Outcome, reason string, now time.Time,
		showEvery time.Duration) (a flows.Announcement, show, finished bool, err error)
	// AnnouncementStatus is an announcement's status now (sending, stopped, ...).
	AnnouncementStatus(ctx context.Context, id int64) (string, error)
	// SetStatusMessage records the message that shows an announcement's progress.
	SetStatusMessage(ctx context.Context, id int64, messageID int) error
	// Unreached lists whom it did not reach.
	Unreached(ctx context.Context, id int64) ([]flows.Unreached, error)
}

var _ flows.Announcer = (*Courier)(nil)

// statusEvery spaces the edits of an announcement's status message.
const statusEvery = 3 * time.Second

// StartAnnouncement implements flows.Announcer. A finished one (an empty audience) reports at
// once; report sends once however often it is called.
func (c *Courier) StartAnnouncement(ctx context.Context, id int64) error {
	a, started, err := c.Records.StartAnnouncement(ctx, id, c.Now())
	switch {
	case err != nil:
		return err
	case a.Status == flows.AnnDone:
		return c.report(ctx, a)
	case started:
		c.showStatus(ctx, a)
	}
	return nil
}

// SendAnnouncement implements flows.Announcer: one recipient, once, through the shared
// throttle; what became of them is counted, the status message edited now and then, and the
// report sent by whichever job finishes the announcement.
func (c *Courier) SendAnnouncement(ctx context.Context, id, participant, job int64, lastTry bool) error {
	err := c.sendAnnouncement(ctx, id, participant, job, lastTry)
	if err != nil && lastTry {
		// The last try failed before its outcome was counted: count it as failed, or the
		// announcement would never finish nor report.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		a, _, _, rerr := c.Records.RecordOutcome(rctx, id, participant, flows.OutcomeFailed, "gagal setelah beberapa kali dicoba",
			c.Now(), statusEvery)
		if rerr == nil && a.Status == flows.AnnDone { // finished now, or earlier by this same recipient
			_ = c.report(rctx, a)
		}
	}
	return err
}

func (c *Courier) sendAnnouncement(ctx context.Context, id, participant, job int64, lastTry bool) error {
	a, r, pending, found, err := c.Records.AnnouncementTo(ctx, id, participant)
	switch {
	case errors.Is(err, flows.ErrNotFound):
		return nil // the announcement is gone
	case err != nil:
		return err
	case !pending:
		if a.Status == flows.AnnDone {
			return c.report(ctx, a) // the job that finished it failed before its report went
		}
		return nil
	}
	outcome, reason := flows.OutcomeSent, ""
	switch {
	case a.Status != flows.AnnSending:
		outcome, reason = flows.OutcomeSkipped, flows.ReasonStopped
	case !found:
		outcome, reason = flows.OutcomeSkipped, flows.ReasonDeleted
	case r.Participant.Unreachable:
		outcome, reason = flows.OutcomeUnreachable, flows.ReasonBlocked
	default:
		key := "siaran:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(participant, 10)
		still := func(ctx context.Context) (bool, error) { // "Hentikan" may have been pressed while it waited
			status, err := c.Records.AnnouncementStatus(ctx, id)
			return status == flows.AnnSending, err
		}
		err := c.deliverOnce(ctx, "job:"+strconv.FormatInt(job, 10), key, r.Participant.ChatID, flows.AnnouncementReplies(a, r), still)
		switch {
		case errors.Is(err, errCalledOff):
			outcome, reason = flows.OutcomeSkipped, flows.ReasonStopped
		case errors.Is(err, ErrUnreachable):
			outcome, reason = flows.OutcomeUnreachable, flows.ReasonBlocked
		case err != nil && (lastTry || Permanent(err)):
			outcome, reason = flows.OutcomeFailed, err.Error()
		case err != nil:
			return err // River tries again, with its backoff
		}
	}
	// Counted even when the job's time ran out meanwhile: the message may have gone.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	a, show, finished, err := c.Records.RecordOutcome(rctx, id, participant, outcome, reason, c.Now(), statusEvery)
	switch {
	case err != nil:
		return err
	case finished:
		return c.report(rctx, a) // the job's own time may be what ran out
	case show:
		c.showStatus(ctx, a)
	}
	return nil
}

// showStatus edits the status message, or sends one when there is none yet (a scheduled
// announcement). A status that does not go is no reason to fail a job: the next one shows it.
func (c *Courier) showStatus(ctx context.Context, a flows.Announcement) {
	if a.StatusChat == 0 {
		return
	}
	rep := flows.AnnouncementStatus(a, c.Rate)
	if a.StatusMessage == 0 {
		rep.Edit = false
		id, err := c.Sender.Post(ctx, a.StatusChat, rep)
		if err == nil {
			err = c.Records.SetStatusMessage(ctx, a.ID, id)
		}
		if err != nil {
			c.Sender.Log.Warn("announcement status not sent", "announcement", a.ID, "err", err)
		}
		return
	}
	if err := c.Sender.reply(ctx, a.StatusChat, a.StatusMessage, rep); err != nil {
		c.Sender.Log.Warn("announcement status not shown", "announcement", a.ID, "err", err)
	}
}

// report tells staff that an announcement has finished: the status message shows the final
// counts and, when some were not reached, the spreadsheet of who and why comes after it. A
// delivery record makes it go once. Not through deliverOnce: that waits for the outgoing
// rate, behind the announcement's own queue, and the admin is waiting for this.
func (c *Courier) report(ctx context.Context, a flows.Announcement) error {
	if a.StatusChat == 0 {
		return nil
	}
	key := "siaran:" + strconv.FormatInt(a.ID, 10) + ":laporan"
	claimed, err := c.Records.ClaimDelivery(ctx, key, a.StatusChat, "")
	if err != nil || !claimed {
		return err
	}
	unreached, err := c.Records.Unreached(ctx, a.ID)
	if err == nil {
		var files []flows.Reply
		if files, err = flows.AnnouncementReport(a, unreached); err == nil {
			c.showStatus(ctx, a)
			for _, f := range files {
				if err = c.Sender.reply(ctx, a.StatusChat, 0, f); err != nil {
					break
				}
			}
		}
	}
	if err != nil && !errors.Is(err, ErrUnreachable) {
		if rerr := c.Records.ReleaseDelivery(context.WithoutCancel(ctx), key); rerr != nil {
			return fmt.Errorf("%w (and release: %v)", err, rerr)
		}
		return err
	}
	return c.Records.DeliverySent(context.WithoutCancel(ctx), key)
}

// noticeReports is what the reports of a change's notices need of Postgres.
type noticeReports interface {
	NoticeOutcomes(ctx context.Context, r flows.NoticeReport) (flows.NoticeOutcomes, error)
	PutOffReport(ctx context.Context, r flows.NoticeReport, at time.Time) error
}

var _ flows.NoticeReporter = (*Courier)(nil)

// ReportNotices implements flows.NoticeReporter: once every notice of a change has been
// tried (or after a day), the admin who made it hears how many were reached and who was not.
func (c *Courier) ReportNotices(ctx context.Context, r flows.NoticeReport) error {
	o, err := c.Records.NoticeOutcomes(ctx, r)
	if err != nil {
		return err
	}
	now := c.Now()
	if o.Pending > 0 && now.Before(r.Since.Add(flows.NoticeReportWait)) {
		return c.Records.PutOffReport(ctx, r, now.Add(flows.NoticeReportEvery))
	}
	replies, err := flows.NoticeReportReplies(r, o)
	if err != nil {
		return err
	}
	key := "laporan:" + r.Notice + ":" + strconv.FormatInt(r.BatchID, 10) + ":" + strconv.Itoa(r.Revision)
	err = c.deliverOnce(ctx, "", key, r.Chat, replies, nil)
	if errors.Is(err, ErrUnreachable) || Permanent(err) {
		c.Sender.Log.Warn("notice report not sent", "batch", r.BatchID, "err", err)
		return nil // the admin's chat refuses it: trying again will not help
	}
	return err
}
