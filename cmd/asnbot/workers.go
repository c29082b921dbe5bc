package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/storage"
)

// workers runs the durable jobs (the notices the bot sends on its own) with River. Every
// replica runs them; River hands each job to one worker.
type workers struct {
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
}

func startWorkers(ctx context.Context, cfg Config, db *storage.DB, sender *bot.Sender, username string, now func() time.Time, stubbed bool, log *slog.Logger) (*workers, error) {
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("job pool: %w", err)
	}
	ws := river.NewWorkers()
	courier := &bot.Courier{Records: db, Sender: sender, Now: now, Rate: float64(cfg.OutRate), Username: username, Zone: cfg.location}
	flows.AddNoticeWorkers(ws, courier)
	flows.AddAnnouncementWorkers(ws, courier)
	flows.AddNoticeReportWorker(ws, courier)
	flows.AddClaimNoticeWorker(ws, courier)
	flows.AddAttendanceWorker(ws, courier)
	flows.AddCompletionWorker(ws, courier)
	flows.AddNudgeWorkers(ws, courier)
	flows.AddTellerWorkers(ws, courier)
	admins := map[int64]bool{}
	for _, id := range cfg.AdminIDs {
		admins[id] = true
	}
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[flows.StaffCommands]) error {
		role := flows.RoleAdmin
		if !admins[job.Args.TelegramID] {
			var err error
			if role, err = db.Role(ctx, job.Args.TelegramID); err != nil {
				return err
			}
		}
		err := bot.SetStaffCommands(ctx, sender, job.Args.TelegramID, role)
		if errors.Is(err, bot.ErrUnreachable) || bot.Permanent(err) {
			return nil // a chat that does not exist yet, or refuses: the menu is not worth retrying
		}
		return err
	}))
	rc := &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.JobWorkers}},
		Workers: ws,
		Logger:  log.With("component", "jobs"),
		// Jobs written by another pool do not wake this one up; poll often enough that a
		// participant hears of their seat within a second or so.
		FetchPollInterval: 500 * time.Millisecond,
		// A job that runs longer is cancelled and retried; one whose replica died is taken
		// over by another after JobRescue (River's default of an hour would make a
		// reminder late by as much).
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.JobRescue,
	}
	if stubbed {
		// Tests move the bot's clock; River decides what is due by the same clock, so a
		// reminder planned for next week runs when the test says it is next week. River's
		// rescuer and cleaner still compare with the host's clock, which the test clock is
		// days away from: they are held off, so no job looks stuck or old.
		rc.Test.Time = storage.StubClock(now)
		const never = 50 * 365 * 24 * time.Hour
		rc.RescueStuckJobsAfter = never
		rc.CompletedJobRetentionPeriod, rc.CancelledJobRetentionPeriod, rc.DiscardedJobRetentionPeriod = never, never, never
		// River's own retry policy counts from the host's clock too: retry at once by ours
		// (the scheduler still spaces the tries by its few seconds).
		rc.RetryPolicy = retryNow(now)
	}
	client, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("job client: %w", err)
	}
	// Not ctx itself: River cancels the jobs in hand when its start context ends, which would
	// cut a message off mid-send at every deploy. stopWithin stops it gracefully instead.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		pool.Close()
		return nil, fmt.Errorf("start jobs: %w", err)
	}
	if cfg.JPNudge {
		// The daily sweep of the JP nudge; each plans the next. At start: now if it is day
		// (09.00–20.00 in the agency's zone), else the next 09.00. One per day across replicas.
		at, t := now(), now().In(cfg.location)
		if t.Hour() < flows.NudgeHour || t.Hour() >= 20 {
			at = flows.NextSweep(t, cfg.location)
		}
		if err := db.PlanJPNudges(ctx, nil, "", at.In(cfg.location).Format(time.DateOnly), at); err != nil {
			_ = client.Stop(context.WithoutCancel(ctx))
			pool.Close()
			return nil, fmt.Errorf("plan the JP nudge: %w", err)
		}
	}
	return &workers{pool: pool, client: client}, nil
}

// stopWithin lets jobs in hand finish until ctx's deadline, then cancels them (River retries
// them later, on this replica or another).
func (w *workers) stopWithin(ctx context.Context) {
	if err := w.client.Stop(ctx); err != nil {
		cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = w.client.StopAndCancel(cancelCtx)
	}
}

// stop releases what is left; safe after stopWithin.
func (w *workers) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = w.client.StopAndCancel(ctx)
	w.pool.Close()
}

// retryNow is a retry policy for the test clock: a failed job is due again at once.
type retryNow func() time.Time

func (r retryNow) NextRetry(*rivertype.JobRow) time.Time { return r() }
