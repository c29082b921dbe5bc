package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
)

// NIP claims: a claim on a NIP registered to another account, one row per claimant and NIP,
// decided by an admin in one transaction with the NIP's move, the audit entry and the news.

// claimRow is the nip_claims table.
type claimRow struct {
	ID                 int64  `gorm:"primaryKey"`
	NIP                string `gorm:"column:nip"`
	ClaimantTelegramID int64
	ClaimantChatID     int64
	TelegramName       string
	TelegramUsername   string
	Name               string
	Kind               string
	Agency             string
	WorkUnit           string
	JobTitle           string
	Grade              string
	Phone              string
	ConsentAt          time.Time
	Status             string
	FiledAt            time.Time
	DecidedAt          *time.Time
	DecidedBy          *int64
	HolderTelegramID   *int64
	HolderChatID       *int64
}

func (claimRow) TableName() string { return "nip_claims" }

func (r claimRow) domain() flows.NIPClaim {
	c := flows.NIPClaim{ID: r.ID, NIP: r.NIP, ClaimantID: r.ClaimantTelegramID, ClaimantChat: r.ClaimantChatID,
		TelegramName: r.TelegramName, TelegramUsername: r.TelegramUsername,
		Profile: flows.Draft{Name: r.Name, Kind: asn.Kind(r.Kind), Agency: r.Agency, Unit: r.WorkUnit,
			Position: r.JobTitle, Rank: r.Grade, Phone: r.Phone, ConsentAt: r.ConsentAt},
		Status: flows.ClaimStatus(r.Status), FiledAt: r.FiledAt}
	if r.DecidedAt != nil {
		c.DecidedAt = *r.DecidedAt
	}
	if r.DecidedBy != nil {
		c.DecidedBy = *r.DecidedBy
	}
	if r.HolderTelegramID != nil && r.HolderChatID != nil {
		c.HolderID, c.HolderChat = *r.HolderTelegramID, *r.HolderChatID
	}
	return c
}

// FileClaim implements flows.Store: an upsert on the claimant and the NIP, so a claim filed
// twice is one row. A claim still pending takes the profile as typed now; a decided one is
// left as it was.
func (db *DB) FileClaim(ctx context.Context, c flows.NIPClaim, now time.Time) (flows.NIPClaim, error) {
	d := c.Profile
	g := db.gorm.WithContext(ctx)
	err := g.Exec(`INSERT INTO nip_claims (nip, claimant_telegram_id, claimant_chat_id, telegram_name, telegram_username,
			name, kind, agency, work_unit, job_title, grade, phone, consent_at, filed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (claimant_telegram_id, nip) DO UPDATE SET claimant_chat_id = EXCLUDED.claimant_chat_id,
			telegram_name = EXCLUDED.telegram_name, telegram_username = EXCLUDED.telegram_username,
			name = EXCLUDED.name, kind = EXCLUDED.kind, agency = EXCLUDED.agency, work_unit = EXCLUDED.work_unit,
			job_title = EXCLUDED.job_title, grade = EXCLUDED.grade, phone = EXCLUDED.phone
		WHERE nip_claims.status = 'pending'`,
		c.NIP, c.ClaimantID, c.ClaimantChat, c.TelegramName, c.TelegramUsername, d.Name, string(d.Kind), d.Agency,
		d.Unit, d.Position, d.Rank, d.Phone, d.ConsentAt.UTC(), now.UTC()).Error
	if err != nil {
		return flows.NIPClaim{}, mapErr(err, "file claim")
	}
	var r claimRow
	if err := g.Where("claimant_telegram_id = ? AND nip = ?", c.ClaimantID, c.NIP).Take(&r).Error; err != nil {
		return flows.NIPClaim{}, mapErr(err, "claim filed")
	}
	return r.domain(), nil
}

// HasClaims implements flows.Store.
func (db *DB) HasClaims(ctx context.Context, telegramID int64, pendingOnly bool) (bool, error) {
	q := "SELECT EXISTS (SELECT 1 FROM nip_claims WHERE claimant_telegram_id = ?)"
	if pendingOnly {
		q = "SELECT EXISTS (SELECT 1 FROM nip_claims WHERE claimant_telegram_id = ? AND status = 'pending')"
	}
	var has bool
	err := db.gorm.WithContext(ctx).Raw(q, telegramID).Scan(&has).Error
	return has, mapErr(err, "claims filed")
}

// PendingClaims implements flows.Store.
func (db *DB) PendingClaims(ctx context.Context, limit int) ([]flows.NIPClaim, int, error) {
	total, err := db.CountPendingClaims(ctx)
	if err != nil {
		return nil, 0, err
	}
	var rows []claimRow
	err = db.gorm.WithContext(ctx).Where("status = ?", string(flows.ClaimPending)).Order("filed_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, 0, mapErr(err, "pending claims")
	}
	out := make([]flows.NIPClaim, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, total, nil
}

// CountPendingClaims implements flows.Store.
func (db *DB) CountPendingClaims(ctx context.Context) (int, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&claimRow{}).Where("status = ?", string(flows.ClaimPending)).Count(&n).Error
	return int(n), mapErr(err, "count pending claims")
}

// NIPClaim implements flows.Store.
func (db *DB) NIPClaim(ctx context.Context, id int64) (flows.NIPClaim, error) {
	var r claimRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return flows.NIPClaim{}, mapErr(err, "claim")
	}
	return r.domain(), nil
}

// ClaimView implements flows.Store.
func (db *DB) ClaimView(ctx context.Context, id int64) (flows.ClaimView, error) {
	g := db.gorm.WithContext(ctx)
	var r claimRow
	if err := g.Where("id = ?", id).Take(&r).Error; err != nil {
		return flows.ClaimView{}, mapErr(err, "claim")
	}
	v := flows.ClaimView{Claim: r.domain()}
	var people []participantRow
	if err := g.Where("nip = ? OR telegram_id = ?", r.NIP, r.ClaimantTelegramID).Find(&people).Error; err != nil {
		return flows.ClaimView{}, mapErr(err, "claim's accounts")
	}
	for _, p := range people {
		d := p.domain()
		if p.TelegramID == r.ClaimantTelegramID {
			v.Claimant = &d
		} else {
			v.Holder = &d
		}
	}
	return v, nil
}

// ResolveClaim implements flows.Store. The accounts concerned are locked before the claim,
// in id order, as DeleteParticipant locks a participant before it forgets their claims.
func (db *DB) ResolveClaim(ctx context.Context, id int64, grant bool, holder int64, by flows.Actor, now time.Time) (flows.NIPClaim, error) {
	var out flows.NIPClaim
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r claimRow
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return mapErr(err, "claim")
		}
		var people []participantRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("nip = ? OR telegram_id = ?", r.NIP, r.ClaimantTelegramID).
			Order("id").Find(&people).Error
		if err != nil {
			return mapErr(err, "lock claim's accounts")
		}
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&r).Error; err != nil {
			return mapErr(err, "lock claim")
		}
		if r.Status != string(flows.ClaimPending) {
			out = r.domain()
			return flows.ErrClaimDecided
		}
		var cur, claimant *participantRow
		for i := range people {
			if people[i].TelegramID == r.ClaimantTelegramID {
				claimant = &people[i]
			} else {
				cur = &people[i]
			}
		}
		shown := int64(0)
		if cur != nil {
			shown = cur.ID
		}
		if shown != holder {
			return flows.ErrClaimChanged
		}
		status, detail := flows.ClaimKept, "NIP tetap pada pemegang"
		if grant {
			status, detail = flows.ClaimGranted, "NIP dipindahkan ke pengklaim"
			if err := db.moveNIP(tx, r, cur, claimant, now); err != nil {
				return err
			}
		}
		var holderID, holderChat *int64
		if cur != nil {
			holderID, holderChat = &cur.TelegramID, &cur.ChatID
		}
		err = tx.Model(&claimRow{}).Where("id = ?", id).Updates(map[string]any{"status": string(status),
			"decided_at": now.UTC(), "decided_by": by.ID, "holder_telegram_id": holderID, "holder_chat_id": holderChat}).Error
		if err != nil {
			return mapErr(err, "decide claim")
		}
		// The log names the claim, not the people: it outlives a person's deletion of their data.
		if err := audit(tx, now, by, flows.AuditClaim, fmt.Sprintf("klaim NIP #%d", id), detail); err != nil {
			return err
		}
		jobs := []river.InsertManyParams{{Args: flows.ClaimNotice{ClaimID: id, To: flows.ClaimToClaimant}}}
		if grant && cur != nil {
			jobs = append(jobs, river.InsertManyParams{Args: flows.ClaimNotice{ClaimID: id, To: flows.ClaimToHolder}})
		}
		if err := db.plan(ctx, tx, jobs...); err != nil {
			return err
		}
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return mapErr(err, "claim decided")
		}
		out = r.domain()
		return nil
	})
	return out, err
}

// moveNIP gives the claim's NIP to the claimant, inside the decision's transaction.
//
// The holder keeps their record and loses only the NIP: they are asked for their own before
// they use the bot again (flows' completeProfile). Their enrolments stay. A clash is most
// often two people of whom one mistyped a digit of eighteen, not an impostor; cancelling the
// holder's seats would hand them to the waiting list for good and tell everyone concerned,
// on the strength of a decision about a number. The seats stay under the holder's name, so an
// admin who finds an impostor sees them in /peserta and deals with them there.
//
// The claimant is registered with the NIP: their own record gets it (a rank of the other kind
// of ASN is dropped), or, when they have none, one is made from the profile they had typed
// when they filed the claim; what they had not yet typed is asked when they come back.
func (db *DB) moveNIP(tx *gorm.DB, r claimRow, cur, claimant *participantRow, now time.Time) error {
	if cur != nil {
		err := tx.Model(&participantRow{}).Where("id = ?", cur.ID).Updates(map[string]any{"nip": nil, "updated_at": now.UTC()}).Error
		if err != nil {
			return mapErr(err, "take the holder's nip")
		}
	}
	var err error
	if claimant != nil {
		err = tx.Exec(`UPDATE participants SET nip = ?, kind = ?, grade = CASE WHEN kind = ? THEN grade ELSE '' END,
			updated_at = ? WHERE id = ?`, r.NIP, r.Kind, r.Kind, now.UTC(), claimant.ID).Error
	} else {
		err = tx.Exec(`INSERT INTO participants (telegram_id, chat_id, name, nip, kind, agency, work_unit, job_title, grade,
				phone, consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ClaimantTelegramID, r.ClaimantChatID, r.Name, r.NIP, r.Kind, r.Agency, r.WorkUnit, r.JobTitle, r.Grade,
			r.Phone, r.ConsentAt, now.UTC(), now.UTC()).Error
	}
	err = mapErr(err, "give the claimant the nip")
	if errors.Is(err, flows.ErrNIPTaken) {
		return flows.ErrClaimChanged // someone registered the NIP while nobody held it
	}
	return err
}

// forgetClaims removes, inside a deletion's transaction, the claims filed by the person
// (telegramID), those on their NIP and those decided while they held it, with the news of
// them not yet sent. A claimant still waiting on their NIP is told it is free now (a notice
// carrying their chat, since the claim goes).
func (db *DB) forgetClaims(tx *gorm.DB, telegramID, chatID int64, nip *string) error {
	if nip != nil {
		var waiting []claimRow
		err := tx.Where("nip = ? AND status = ? AND claimant_telegram_id <> ?", *nip, string(flows.ClaimPending), telegramID).
			Find(&waiting).Error
		if err != nil {
			return mapErr(err, "claims on the nip")
		}
		jobs := make([]river.InsertManyParams, 0, len(waiting))
		for _, w := range waiting {
			jobs = append(jobs, river.InsertManyParams{Args: flows.ClaimNotice{ClaimID: w.ID, To: flows.ClaimToFreed, Chat: w.ClaimantChatID}})
		}
		if err := db.plan(tx.Statement.Context, tx, jobs...); err != nil {
			return err
		}
	}
	var gone []int64
	err := tx.Raw(`DELETE FROM nip_claims WHERE claimant_telegram_id = ? OR holder_telegram_id = ? OR nip = ? RETURNING id`,
		telegramID, telegramID, nip).Scan(&gone).Error
	if err != nil {
		return mapErr(err, "forget claims")
	}
	err = tx.Exec(`DELETE FROM river_job WHERE kind = ? AND state <> 'running' AND (
			((args->>'claim_id')::bigint IN ? AND args->>'to' <> ?) OR (args->>'chat')::bigint IN (?, ?))`,
		flows.ClaimNotice{}.Kind(), gone, flows.ClaimToFreed, chatID, telegramID).Error
	return mapErr(err, "forget claim notices")
}
