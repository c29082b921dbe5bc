package flows

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
)

// The yearly JP ledger (/jp): every PNS owes at least 20 JP (jam pelajaran) of competency
// development a calendar year (PP 11/2017 art. 203(4)); a PPPK may take at most 24 JP a
// contract year (PP 49/2018 art. 40). A training counts once its enrolment is "selesai"
// (attendance reached the course's threshold), in the year its batch ended.

// Duty and cap of JP a year.
const (
	pnsDutyJP = 20
	pppkCapJP = 24
)

// PNSDutyJP is the JP a PNS owes a year (PP 11/2017 art. 203(4)).
const PNSDutyJP = pnsDutyJP

// Ledger is what the JP ledger needs of Postgres.
type Ledger interface {
	// CompletedTrainings lists the participant's enrolments completed ("selesai") whose batch
	// ended in [from, to), earliest first.
	CompletedTrainings(ctx context.Context, participantID int64, from, to time.Time) ([]Enrolment, error)
}

func (c *conv) jpCommand() error { return c.jpLedger(false) }
func (c *conv) jpPage() error    { return c.jpLedger(true) }

// jpLedger shows this calendar year's JP: a bar against the duty (or the cap), each completed
// training, and the split by category.
func (c *conv) jpLedger(edit bool) error {
	now := c.e.now().In(c.e.zone)
	from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, c.e.zone)
	list, err := c.e.store.CompletedTrainings(c.ctx, c.p.ID, from, from.AddDate(1, 0, 0))
	if err != nil {
		return fmt.Errorf("completed trainings: %w", err)
	}
	numbers, err := c.e.store.CertificateNumbers(c.ctx, c.p.ID)
	if err != nil {
		return fmt.Errorf("certificate numbers: %w", err)
	}
	externals, err := c.e.store.ExternalsOf(c.ctx, c.p.ID, from, from.AddDate(1, 0, 0))
	if err != nil {
		return fmt.Errorf("external trainings: %w", err)
	}
	total := 0
	byCategory := map[string]int{}
	lines := make([]Text, 0, len(list))
	for i, e := range list {
		z := e.Batch.Zone()
		total += e.Course.JP
		byCategory[e.Course.Category] += e.Course.JP
		lines = append(lines, T("jp.baris", "N", i+1, "Title", e.Course.Title, "Start", ShortDate{e.Batch.StartsAt.In(z)},
			"End", ShortDate{e.Batch.EndsAt.In(z)}, "JP", e.Course.JP, "Number", numbers[e.ID]))
	}
	// Trainings done elsewhere: counted once approved; the rest shown with where they stand.
	approved := 0
	others := make([]Text, 0, len(externals))
	for i, x := range externals {
		if x.Status == ExternalApproved {
			approved += x.JP
		}
		others = append(others, T("jp.lain_baris", "N", i+1, "Title", x.Title, "Organiser", x.Organiser,
			"Start", ShortDate{x.Start}, "End", ShortDate{x.End}, "OneDay", x.Start.Equal(x.End), "JP", x.JP, "Status", x.Status, "Reason", x.Reason))
	}
	total += approved
	target := pnsDutyJP
	if c.p.Kind == asn.PPPK {
		target = pppkCapJP
	}
	r := Reply{Edit: edit, Text: T("jp.judul", "Year", now.Year(), "Bar", jpBar(total, target), "Total", total, "Target", target,
		"PPPK", c.p.Kind == asn.PPPK, "Left", max(target-total, 0))}
	switch {
	case len(lines) > 0:
		r.Parts = append(r.Parts, T("jp.selesai", "Lines", lines), T("jp.kategori", "Split", categorySplit(byCategory), "Other", approved))
	case approved > 0:
		r.Parts = append(r.Parts, T("jp.kategori", "Split", "", "Other", approved))
	case len(others) == 0:
		r.Parts = append(r.Parts, T("jp.kosong"))
	}
	if len(others) > 0 {
		r.Parts = append(r.Parts, T("jp.lain", "Lines", others))
	}
	r.Buttons = [][]Button{{Btn("jp.catat_lain", cb(nsJP, "add"))}, {Btn("menu.katalog", cb(nsMenu, "katalog")), homeButton()}}
	if c.p.Kind == asn.PNS {
		// The monthly nudge of the last quarter can be turned off, and on again, here.
		off, err := c.e.store.JPNudgeOff(c.ctx, c.p.ID)
		if err != nil {
			return fmt.Errorf("jp nudge: %w", err)
		}
		if off {
			r.Buttons = append([][]Button{{Btn("jp.nudge_nyala", cb(nsJP, "on"))}}, r.Buttons...)
		}
	}
	c.say(r)
	return nil
}

// jpBar draws total against target in ten cells, narrow enough for any phone.
func jpBar(total, target int) string {
	const cells = 10
	full := min(total*cells/max(target, 1), cells)
	return strings.Repeat("▓", full) + strings.Repeat("░", cells-full)
}

// categorySplit lists JP by category, most first: "Teknis 32 JP · Manajerial 8 JP".
func categorySplit(m map[string]int) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if m[names[i]] != m[names[j]] {
			return m[names[i]] > m[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d JP", n, m[n])
	}
	return strings.Join(parts, " · ")
}
