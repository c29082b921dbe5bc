package flows

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// NoticeReport tells the admin who changed or cancelled a batch in chat, once the notices
// have gone, how many people were reached and who was not. It is a job planned in the
// transaction of the change; until every notice has been tried it plans itself again a
// little later (by the bot's clock), for at most a day.
type NoticeReport struct {
	Notice     string    `json:"notice"` // the kind of the notices: change_notice, batch_cancel_notice
	BatchID    int64     `json:"batch"`
	Revision   int       `json:"revision,omitempty"` // of a change: its notices' occasion
	Chat       int64     `json:"chat"`               // the admin's
	Enrolments []int64   `json:"enrolments"`         // those told
	Since      time.Time `json:"since"`
}

// Kind implements river.JobArgs.
func (NoticeReport) Kind() string { return "notice_report" }

// NoticeReportEvery spaces the checks of a NoticeReport; NoticeReportWait bounds them.
const (
	NoticeReportEvery = 15 * time.Second
	NoticeReportWait  = 24 * time.Hour
)

// NoticeOutcomes is where the notices of a NoticeReport stand.
type NoticeOutcomes struct {
	Title, Batch string
	Pending      int // not tried yet
	Reached      int
	Unreached    []Unreached
}

// NoticeReporter sends notice reports (bot's courier).
type NoticeReporter interface {
	ReportNotices(ctx context.Context, r NoticeReport) error
}

// AddNoticeReportWorker registers the worker of notice reports.
func AddNoticeReportWorker(ws *river.Workers, r NoticeReporter) {
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[NoticeReport]) error {
		return r.ReportNotices(ctx, job.Args)
	}))
}

// NoticeReportReplies is the report: the counts, and a spreadsheet of whom it did not reach.
func NoticeReportReplies(r NoticeReport, o NoticeOutcomes) ([]Reply, error) {
	out := []Reply{{Text: T("laporan_pemberitahuan.isi", "Cancel", r.Notice == BatchCancelNotice{}.Kind(),
		"Title", o.Title, "Batch", o.Batch, "Total", len(r.Enrolments), "Reached", o.Reached,
		"Unreached", len(o.Unreached), "Pending", o.Pending)}}
	if len(o.Unreached) == 0 {
		return out, nil
	}
	f, err := unreachedFile(fmt.Sprintf("pemberitahuan-angkatan-%d-tidak-terkirim.xlsx", r.BatchID), o.Unreached,
		T("laporan_pemberitahuan.berkas", "Count", len(o.Unreached)))
	if err != nil {
		return nil, err
	}
	return append(out, Reply{File: f}), nil
}
