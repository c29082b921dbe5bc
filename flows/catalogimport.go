package flows

import (
	"fmt"

	"github.com/bpsdm/asnbot/flows/catalogfile"
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
	courses, problems := catalogfile.Parse(doc.Name, data, c.e.zone)
	if len(problems) > 0 {
		lines := make([]Text, 0, min(len(problems), maxProblemsShown+1))
		for i, p := range problems {
			if i == maxProblemsShown {
				lines = append(lines, T("impor_bot.lainnya", "Count", len(problems)-maxProblemsShown))
				break
			}
			lines = append(lines, ProblemText(p))
		}
		c.say(Reply{Text: T("impor_bot.ditolak", "Name", doc.Name, "Count", len(problems)), Parts: []Text{joinLines(lines)}})
		return nil
	}
	rep, err := c.e.store.Import(c.ctx, courses, c.e.now())
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	c.say(Reply{Text: importReport(doc.Name, rep)})
	return nil
}

// ProblemText is a catalogue file's problem as the admin reads it.
func ProblemText(p catalogfile.Problem) Text { return T(p.Key, argsOf(p.Args)...) }

func importReport(name string, r ImportReport) Text {
	return T("impor_bot.berhasil", "Name", name,
		"CA", r.CoursesAdded, "CC", r.CoursesChanged, "CU", r.CoursesUnchanged,
		"BA", r.BatchesAdded, "BC", r.BatchesChanged, "BU", r.BatchesUnchanged, "Promoted", len(r.Promotions), "Notified", r.Notified)
}
