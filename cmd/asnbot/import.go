package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/flows/survey"
	"github.com/bpsdm/asnbot/locales"
)

// importFile loads a catalogue file (.csv, .xlsx, .yaml) into the database: all of it, or,
// when any row is wrong, nothing, with each problem printed in Indonesian as the admin sees it
// in the bot.
func importFile(ctx context.Context, cfg Config, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) != 1 {
		return errors.New("usage: asnbot import FILE (.csv, .xlsx or .yaml)")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return fmt.Errorf("read catalogue: %w", err)
	}
	courses, problems := catalogfile.Parse(ctx, filepath.Base(args[0]), data, cfg.location)
	if len(problems) > 0 {
		texts := make([]flows.Text, len(problems))
		for i, p := range problems {
			texts[i] = flows.ProblemText(p)
		}
		return refused(stdout, args[0], texts)
	}
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.Import(ctx, courses, time.Now(), commandLine)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "courses: %d added, %d changed, %d unchanged; batches: %d added, %d changed, %d unchanged\n",
		rep.CoursesAdded, rep.CoursesChanged, rep.CoursesUnchanged, rep.BatchesAdded, rep.BatchesChanged, rep.BatchesUnchanged)
	if rep.Notified > 0 {
		fmt.Fprintf(stdout, "%d participants are told of changed dates or places by the running bot\n", rep.Notified)
	}
	if n := len(rep.Promotions); n > 0 {
		fmt.Fprintf(stdout, "%d participants moved up from a waiting list because a quota grew; the running bot tells them\n", n)
	}
	return nil
}

// importSurvey loads a survey template (.yaml) as its key's next version, or, when a line is
// wrong, nothing, with each problem printed as the admin sees it in the bot.
func importSurvey(ctx context.Context, cfg Config, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) != 1 {
		return errors.New("usage: asnbot survey-import FILE (.yaml)")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return fmt.Errorf("read survey template: %w", err)
	}
	t, problems := survey.Read(data)
	if len(problems) > 0 {
		texts := make([]flows.Text, len(problems))
		for i, p := range problems {
			texts[i] = flows.Text{Key: p.Key, Args: p.Args}
		}
		return refused(stdout, args[0], texts)
	}
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SaveTemplate(ctx, t, commandLine)
	if err != nil {
		return err
	}
	if !v.Added {
		fmt.Fprintf(stdout, "survey template %s: the same as version %d, nothing changed\n", t.Key, v.Version)
		return nil
	}
	fmt.Fprintf(stdout, "survey template %s: version %d stored (%d questions, besides those asked per trainer)\n",
		t.Key, v.Version, len(t.Items(nil)))
	return nil
}

// refused prints a file's problems in Indonesian, as the admin reads them in the bot, and
// says nothing was imported.
func refused(stdout io.Writer, file string, problems []flows.Text) error {
	r := bot.NewRenderer(locales.MustLoad())
	for _, p := range problems {
		line, err := r.Plain(p)
		if err != nil {
			line = p.Key
		}
		fmt.Fprintln(stdout, line)
	}
	return fmt.Errorf("%s: %d problems, nothing imported", file, len(problems))
}

// commandLine names the command line in the audit log.
var commandLine = flows.Actor{Name: "baris perintah"}
