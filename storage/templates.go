package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/survey"
)

// SaveTemplate implements flows.Surveys: an agency's template.
func (db *DB) SaveTemplate(ctx context.Context, t survey.Template, by flows.Actor) (flows.TemplateVersion, error) {
	return db.saveTemplate(ctx, t, &by)
}

// SeedTemplate stores the template shipped with the bot, as a new version when it changed,
// unless an agency has loaded a template of its own under the same key: theirs stays.
func (db *DB) SeedTemplate(ctx context.Context, t survey.Template) (flows.TemplateVersion, error) {
	return db.saveTemplate(ctx, t, nil)
}

// saveTemplate stores an agency's template (by names who loaded it) or the shipped one (by nil).
func (db *DB) saveTemplate(ctx context.Context, t survey.Template, by *flows.Actor) (flows.TemplateVersion, error) {
	shipped := by == nil
	body, err := json.Marshal(t)
	if err != nil {
		return flows.TemplateVersion{}, fmt.Errorf("encode template: %w", err)
	}
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	var out flows.TemplateVersion
	err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// One writer per key at a time: two replicas seeding at start add one version.
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", "survey_template:"+t.Key).Error; err != nil {
			return mapErr(err, "lock template")
		}
		var latest struct {
			Version int
			Digest  string
			Shipped bool
		}
		res := tx.Table("survey_templates").Select("version, digest, shipped").Where("key = ?", t.Key).
			Order("version DESC").Limit(1).Scan(&latest)
		if res.Error != nil {
			return mapErr(res.Error, "latest template")
		}
		out.Version = latest.Version
		if res.RowsAffected > 0 && (latest.Digest == digest || (shipped && !latest.Shipped)) {
			return nil
		}
		out.Version, out.Added = latest.Version+1, true
		err := tx.Clauses(clause.OnConflict{DoNothing: true}).Table("survey_templates").Create(map[string]any{
			"key": t.Key, "version": out.Version, "title": t.Title, "anonymous": t.Anonymous,
			"body": string(body), "digest": digest, "shipped": shipped,
		}).Error
		if err != nil || shipped {
			return mapErr(err, "save template")
		}
		return audit(tx, time.Now(), *by, flows.AuditTemplate, t.Key, fmt.Sprintf("versi %d", out.Version))
	})
	return out, err
}

// TemplatesExist implements flows.Surveys.
func (db *DB) TemplatesExist(ctx context.Context, keys []string) (map[string]bool, error) {
	var found []string
	err := db.gorm.WithContext(ctx).Table("survey_templates").Distinct("key").Where("key IN ?", keys).Pluck("key", &found).Error
	if err != nil {
		return nil, mapErr(err, "templates")
	}
	out := make(map[string]bool, len(found))
	for _, k := range found {
		out[k] = true
	}
	return out, nil
}
