package flows

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
	"github.com/bpsdm/asnbot/flows/document"
)

// JPRow is one registered ASN's JP in a year, for the agency's recap.
type JPRow struct {
	Participant Participant
	JP          int
}

// JPRecaps is what the recap needs of Postgres.
type JPRecaps interface {
	// JPYear lists every registered participant (of agency, matched as announcements match it,
	// when not empty) with the JP of their trainings completed in [from, to), by agency and name.
	JPYear(ctx context.Context, from, to time.Time, agency string) ([]JPRow, error)
}

// jpRecapColumns are the recap's headers, snake_case like every export.
var jpRecapColumns = []string{"instansi", "nama", "nip", "jenis", "unit_kerja", "jabatan", "jp", "capai_20_jp"}

// jpRecap answers /rekapjp [tahun] [instansi]: a workbook of each registered ASN's JP in the
// year (this one by default), and whether they reached the 20 JP a PNS owes.
func (c *conv) jpRecap() error {
	args := strings.Fields(c.in.Text)
	year := c.e.now().In(c.e.zone).Year()
	if len(args) > 0 {
		if y, err := strconv.Atoi(args[0]); err == nil {
			if y < 2000 || y > year+1 {
				c.say(Reply{Text: T("rekapjp.tahun_salah", "Value", args[0])})
				return nil
			}
			year, args = y, args[1:]
		}
	}
	agency := strings.Join(args, " ")
	from := time.Date(year, 1, 1, 0, 0, 0, 0, c.e.zone)
	rows, err := c.e.store.JPYear(c.ctx, from, from.AddDate(1, 0, 0), agency)
	if err != nil {
		return fmt.Errorf("jp recap: %w", err)
	}
	if len(rows) == 0 {
		c.say(Reply{Text: T("rekapjp.kosong", "Agency", agency)})
		return nil
	}
	table := document.Table{Header: jpRecapColumns}
	reached := 0
	for _, r := range rows {
		p := r.Participant
		ok := "tidak"
		if r.JP >= pnsDutyJP {
			ok, reached = "ya", reached+1
		}
		kind := "PNS"
		if p.Kind == asn.PPPK {
			kind = "PPPK"
		}
		table.Rows = append(table.Rows, []string{p.Agency, p.Name, p.NIP, kind, p.Unit, p.Position, strconv.Itoa(r.JP), ok})
	}
	xlsx, err := table.XLSX()
	if err != nil {
		return fmt.Errorf("jp recap: %w", err)
	}
	name := "rekap-jp-" + strconv.Itoa(year)
	if agency != "" {
		name += "-" + fileSafe(agency)
	}
	if err := c.auditExport(name, len(rows)); err != nil {
		return err
	}
	c.say(Reply{Text: T("rekapjp.ringkas", "Year", year, "Agency", agency, "Count", len(rows), "Reached", reached,
		"Percent", reached*100/len(rows))})
	c.say(Reply{File: &File{Name: name + ".xlsx", Content: xlsx, Caption: T("rekapjp.berkas")}})
	return nil
}

// fileSafe makes a name fit a file name: letters and digits, the rest as dashes.
func fileSafe(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(cutBytes(b.String(), 40), "-")
}
