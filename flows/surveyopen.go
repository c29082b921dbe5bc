package flows

import (
	"errors"
	"fmt"
)

// An admin opens a batch's survey at once, from the batch's screen in /ubahjadwal: in the
// closing session, so that people answer before they leave the room.

// askOpenSurvey asks once before inviting everyone ("j:o:<batch>").
func (c *conv) askOpenSurvey(d *ScheduleDraft) error {
	course, b, err := c.e.store.Batch(c.ctx, d.BatchID)
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	c.st.Step, c.dirty = stepScheduleSurvey, true
	c.say(Reply{Edit: true, Text: T("jadwal.tanya_survei", "Title", course.Title, "Batch", b.Name, "Registered", b.Registered),
		Buttons: [][]Button{{Btn("jadwal.ya_buka_survei", cb(nsSchedule, "oy", d.BatchID))},
			{Btn("umum.kembali", cb(nsSchedule, "m", d.BatchID))}}})
	return nil
}

// openSurveyNow opens the survey and invites everyone holding a seat ("j:oy:<batch>").
func (c *conv) openSurveyNow(d *ScheduleDraft) error {
	if c.st.Step != stepScheduleSurvey {
		return c.expired()
	}
	n, err := c.e.store.OpenSurveyNow(c.ctx, d.BatchID, c.e.now(), c.actor())
	var text Text
	switch {
	case errors.Is(err, ErrSurveyClosed):
		text = T("jadwal.survei_ditutup")
	case errors.Is(err, ErrNoTemplate):
		text = T("jadwal.tanpa_templat")
	case errors.Is(err, ErrBatchUnavailable):
		text = T("jadwal.sudah_batal")
	case err != nil:
		return fmt.Errorf("open survey now: %w", err)
	default:
		text = T("jadwal.survei_dibuka", "Invited", n)
	}
	c.clear()
	c.say(Reply{Edit: true, Text: text})
	return nil
}
