package flows

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/flows/survey"
)

// maxProblemsShown bounds the problems listed in one message; the admin fixes the file a
// screenful at a time.
const maxProblemsShown = 15

// importDocument loads a catalogue file an admin sent.
func (c *conv) importDocument() error {
	doc := c.in.Document
	if doc.Size > catalogfile.MaxFileSize {
		c.say(Reply{Text: T("impor_bot.terlalu_besar", "MaxMB", catalogfile.MaxFileSize>>20)})
		return nil
	}
	data, err := c.e.files.Download(c.ctx, doc.FileID)
	if err != nil {
		return fmt.Errorf("download: %w", err)
	}
	// A file that killed the bot while it was read comes back when the update is replayed
	// after the restart, and would kill it again, for ever: the read is recorded before it
	// starts, and a file whose last read never ended is refused.
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	fresh, err := c.e.store.BeginFileRead(c.ctx, digest, c.e.now())
	if err != nil {
		return fmt.Errorf("begin file read: %w", err)
	}
	if !fresh {
		c.say(Reply{Text: T("impor_bot.berkas_menghentikan", "Name", doc.Name)})
		return nil
	}
	if ext := strings.ToLower(filepath.Ext(doc.Name)); (ext == ".yaml" || ext == ".yml") && survey.Looks(data) {
		if err := c.e.store.EndFileRead(c.ctx, digest); err != nil {
			return fmt.Errorf("end file read: %w", err)
		}
		return c.importTemplate(doc.Name, data)
	}
	courses, problems := c.parse(doc.Name, data)
	if err := c.e.store.EndFileRead(c.ctx, digest); err != nil {
		return fmt.Errorf("end file read: %w", err)
	}
	if len(problems) == 0 {
		if problems, err = c.unknownSurveys(courses); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		texts := make([]Text, len(problems))
		for i, p := range problems {
			texts[i] = ProblemText(p)
		}
		c.refuseFile(doc.Name, texts)
		return nil
	}
	rep, err := c.e.store.Import(c.ctx, courses, c.e.now(), c.actor())
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	c.say(Reply{Text: importReport(doc.Name, rep)})
	return nil
}

// parse reads a catalogue file in half the time the update has left, so that a file too
// slow to read is refused in the other half rather than left unanswered.
func (c *conv) parse(name string, data []byte) ([]catalogfile.Course, []catalogfile.Problem) {
	ctx := c.ctx
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Until(deadline)/2)
		defer cancel()
	}
	return catalogfile.Parse(ctx, name, data, c.e.zone)
}

// refuseFile says a file was refused, with its problems, a screenful at most.
func (c *conv) refuseFile(name string, problems []Text) {
	lines := make([]Text, 0, min(len(problems), maxProblemsShown+1))
	for i, p := range problems {
		if i == maxProblemsShown {
			lines = append(lines, T("impor_bot.lainnya", "Count", len(problems)-maxProblemsShown))
			break
		}
		lines = append(lines, p)
	}
	c.say(Reply{Text: T("impor_bot.ditolak", "Name", name, "Count", len(problems)), Parts: []Text{joinLines(lines)}})
}

// unknownSurveys finds the courses that name a survey template not loaded yet.
func (c *conv) unknownSurveys(courses []catalogfile.Course) ([]catalogfile.Problem, error) {
	var keys []string
	for _, course := range courses {
		if course.Survey != "" {
			keys = append(keys, course.Survey)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	known, err := c.e.store.TemplatesExist(c.ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("survey templates: %w", err)
	}
	var out []catalogfile.Problem
	for _, course := range courses {
		if course.Survey != "" && !known[course.Survey] {
			row := course.Batches[0].Row
			out = append(out, catalogfile.Problem{Row: row, Key: "impor_bot.survei_tidak_ada",
				Args: map[string]any{"Row": row, "Value": course.Survey}})
		}
	}
	return out, nil
}

// importTemplate loads a survey template an admin sent: a new version, or nothing when a
// line is wrong.
func (c *conv) importTemplate(name string, data []byte) error {
	t, problems := survey.Read(data)
	if len(problems) > 0 {
		texts := make([]Text, len(problems))
		for i, p := range problems {
			texts[i] = Text{Key: p.Key, Args: p.Args}
		}
		c.refuseFile(name, texts)
		return nil
	}
	v, err := c.e.store.SaveTemplate(c.ctx, t, c.actor())
	if err != nil {
		return fmt.Errorf("save template: %w", err)
	}
	key := "impor_bot.templat_dimuat"
	if !v.Added {
		key = "impor_bot.templat_sama"
	}
	c.say(Reply{Text: T(key, "Name", name, "Key", t.Key, "Title", t.Title, "Version", v.Version,
		"Count", len(t.Items(nil)))})
	return nil
}

// ProblemText is a catalogue file's problem as the admin reads it.
func ProblemText(p catalogfile.Problem) Text { return Text{Key: p.Key, Args: p.Args} }

// keptKeys are the report's lines for a batch an import left as it is.
var keptKeys = map[KeptReason]string{
	KeptChangedInChat: "impor_bot.dibiarkan_diubah_lewat_chat",
	KeptCancelled:     "impor_bot.dibiarkan_dibatalkan",
	KeptEnded:         "impor_bot.dibiarkan_selesai",
}

func importReport(name string, r ImportReport) Text {
	kept := make([]Text, 0, len(r.Kept)+1)
	if len(r.Kept) > 0 {
		kept = append(kept, T("impor_bot.dibiarkan", "Count", len(r.Kept)))
	}
	for i, k := range r.Kept {
		if i == maxProblemsShown {
			kept = append(kept, T("impor_bot.lainnya_dibiarkan", "Count", len(r.Kept)-maxProblemsShown))
			break
		}
		kept = append(kept, T(keptKeys[k.Reason], "Row", k.Row, "Code", k.Code, "Batch", k.Batch, "At", k.ChangedAt))
	}
	return T("impor_bot.berhasil", "Name", name,
		"CA", r.CoursesAdded, "CC", r.CoursesChanged, "CU", r.CoursesUnchanged,
		"BA", r.BatchesAdded, "BC", r.BatchesChanged, "BU", r.BatchesUnchanged, "Promoted", len(r.Promotions), "Notified", r.Notified,
		"Kept", kept)
}
