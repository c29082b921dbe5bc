package storage

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
)

// certificateRow is a row of certificates: what the certificate says, as issued.
type certificateRow struct {
	ID            int64 `gorm:"primaryKey"`
	EnrolmentID   *int64
	ParticipantID *int64
	BatchID       *int64
	Number        string
	Code          string
	Name          string
	NIP           string `gorm:"column:nip"`
	Agency        string
	Organiser     string
	CourseCode    string
	CourseTitle   string
	Category      string
	BatchName     string
	StartsAt      time.Time
	EndsAt        time.Time
	TimeZone      string
	JP            int `gorm:"column:jp"`
	IssuedAt      time.Time
	RevokedAt     *time.Time
	RevokedBy     *int64
	RevokeReason  *string
}

func (certificateRow) TableName() string { return "certificates" }

func (r certificateRow) domain() flows.Certificate {
	c := flows.Certificate{ID: r.ID, EnrolmentID: deref(r.EnrolmentID), ParticipantID: deref(r.ParticipantID),
		BatchID: deref(r.BatchID), Number: r.Number, Code: r.Code, Name: r.Name, NIP: r.NIP, Agency: r.Agency,
		Organiser: r.Organiser, CourseCode: r.CourseCode, CourseTitle: r.CourseTitle, Category: r.Category,
		BatchName: r.BatchName, StartsAt: r.StartsAt, EndsAt: r.EndsAt, TimeZone: r.TimeZone, JP: r.JP,
		IssuedAt: r.IssuedAt, RevokeReason: deref(r.RevokeReason)}
	if r.RevokedAt != nil {
		c.RevokedAt = *r.RevokedAt
	}
	return c
}

// IssueCertificate implements flows.Certificates. The enrolment's row is locked, so two jobs
// (or a job and a tap on "Sertifikat") issue one certificate; its serial is taken in the same
// transaction, so a rolled-back issue leaves no gap that a later one would fill.
func (db *DB) IssueCertificate(ctx context.Context, enrolmentID int64, now time.Time) (flows.Certificate, error) {
	var out certificateRow
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r enrolmentRow
		if err := tx.Raw(`SELECT * FROM enrolments WHERE id = ? FOR UPDATE`, enrolmentID).Take(&r).Error; err != nil {
			return mapErr(err, "enrolment to certify")
		}
		res := tx.Where("enrolment_id = ?", enrolmentID).Limit(1).Find(&out)
		if res.Error != nil || res.RowsAffected > 0 {
			return mapErr(res.Error, "certificate issued")
		}
		e, err := db.loadEnrolment(tx, r)
		if err != nil {
			return err
		}
		var p participantRow
		if err := tx.Where("id = ?", r.ParticipantID).Take(&p).Error; err != nil {
			return mapErr(err, "participant to certify")
		}
		terms := db.certTerms()
		scope := flows.CertScope(terms.NumberFormat, e.Course, e.Batch)
		var serial int
		err = tx.Raw(`INSERT INTO certificate_serials (scope, last) VALUES (?, 1)
			ON CONFLICT (scope) DO UPDATE SET last = certificate_serials.last + 1 RETURNING last`, scope).Row().Scan(&serial)
		if err != nil {
			return mapErr(err, "certificate serial")
		}
		code, err := flows.NewCertCode()
		if err != nil {
			return err
		}
		pid, bid := p.ID, e.Batch.ID
		out = certificateRow{EnrolmentID: &enrolmentID, ParticipantID: &pid, BatchID: &bid,
			Number: flows.CertNumber(scope, serial), Code: code, Name: p.Name, NIP: deref(p.NIP), Agency: p.Agency,
			Organiser: terms.Organiser, CourseCode: e.Course.Code, CourseTitle: e.Course.Title, Category: e.Course.Category,
			BatchName: e.Batch.Name, StartsAt: e.Batch.StartsAt.UTC(), EndsAt: e.Batch.EndsAt.UTC(), TimeZone: e.Batch.TimeZone,
			JP: e.Course.JP, IssuedAt: now.UTC()}
		return mapErr(tx.Create(&out).Error, "issue certificate")
	})
	return out.domain(), err
}

// certTerms are the configured terms, or the defaults.
func (db *DB) certTerms() flows.CertTerms {
	t := db.certs
	if t.NumberFormat == "" {
		t.NumberFormat = flows.DefaultCertNumberFormat
	}
	return t
}

// CertificateOf implements flows.Certificates.
func (db *DB) CertificateOf(ctx context.Context, enrolmentID int64) (flows.Certificate, error) {
	return db.certificateWhere(ctx, "enrolment_id = ?", enrolmentID)
}

// CertificateByCode implements flows.Certificates.
func (db *DB) CertificateByCode(ctx context.Context, code string) (flows.Certificate, error) {
	return db.certificateWhere(ctx, "code = ?", code)
}

// CertificateByID implements flows.Certificates.
func (db *DB) CertificateByID(ctx context.Context, id int64) (flows.Certificate, error) {
	return db.certificateWhere(ctx, "id = ?", id)
}

func (db *DB) certificateWhere(ctx context.Context, where string, arg any) (flows.Certificate, error) {
	var r certificateRow
	if err := db.gorm.WithContext(ctx).Where(where, arg).Take(&r).Error; err != nil {
		return flows.Certificate{}, mapErr(err, "certificate")
	}
	return r.domain(), nil
}

// RevokeCertificate implements flows.Certificates.
func (db *DB) RevokeCertificate(ctx context.Context, id int64, reason string, by flows.Actor, now time.Time) (flows.Certificate, error) {
	var r certificateRow
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw(`SELECT * FROM certificates WHERE id = ? FOR UPDATE`, id).Take(&r).Error; err != nil {
			return mapErr(err, "certificate to revoke")
		}
		if r.RevokedAt != nil {
			return nil
		}
		at := now.UTC()
		r.RevokedAt, r.RevokedBy, r.RevokeReason = &at, &by.ID, &reason
		err := tx.Exec(`UPDATE certificates SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?`,
			at, by.ID, reason, id).Error
		if err != nil {
			return mapErr(err, "revoke certificate")
		}
		if err := audit(tx, now, by, flows.AuditRevokeCert, r.Number, reason); err != nil {
			return err
		}
		return db.plan(ctx, tx, river.InsertManyParams{Args: flows.CertificateRevoked{ID: id}})
	})
	return r.domain(), err
}

// BatchCertificates implements flows.Certificates.
func (db *DB) BatchCertificates(ctx context.Context, batchID int64) ([]flows.Certificate, error) {
	var rows []certificateRow
	if err := db.gorm.WithContext(ctx).Where("batch_id = ?", batchID).Order("number").Find(&rows).Error; err != nil {
		return nil, mapErr(err, "batch certificates")
	}
	out := make([]flows.Certificate, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// CertificateHolder implements flows.Certificates.
func (db *DB) CertificateHolder(ctx context.Context, id int64) (flows.Certificate, flows.Participant, error) {
	cert, err := db.CertificateByID(ctx, id)
	if err != nil {
		return cert, flows.Participant{}, err
	}
	if cert.ParticipantID == 0 {
		return cert, flows.Participant{}, flows.ErrNotFound
	}
	var p participantRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", cert.ParticipantID).Take(&p).Error; err != nil {
		return cert, flows.Participant{}, mapErr(err, "certificate holder")
	}
	return cert, p.domain(), nil
}

// CertificateNumbers implements flows.Certificates.
func (db *DB) CertificateNumbers(ctx context.Context, participantID int64) (map[int64]string, error) {
	var rows []struct {
		EnrolmentID int64
		Number      string
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT enrolment_id, number FROM certificates
		WHERE participant_id = ? AND enrolment_id IS NOT NULL AND revoked_at IS NULL`, participantID).Scan(&rows).Error
	if err != nil {
		return nil, mapErr(err, "certificate numbers")
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.EnrolmentID] = r.Number
	}
	return out, nil
}
