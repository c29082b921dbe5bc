package storage

import "context"

// Deliveries: one row per message the bot sends on its own, named by its notice's kind, its
// enrolment and its occasion, so a job that runs twice sends once. A row is claimed before
// the send and marked sent after it.

// ClaimDelivery records that the message key is being sent to chatID; false when it was
// already sent (a job run twice). A claim never marked sent can be taken again by the job
// that made it (its retry, when the release after a failed send failed too) or, once older
// than any job runs, by any job (its replica died mid-send): the message is not lost.
func (db *DB) ClaimDelivery(ctx context.Context, key string, chatID int64, owner string) (bool, error) {
	res := db.gorm.WithContext(ctx).Exec(`INSERT INTO deliveries (key, chat_id, owner) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET created_at = now(), owner = EXCLUDED.owner
		WHERE deliveries.sent_at IS NULL AND (deliveries.created_at < now() - make_interval(secs => ?)
			OR (EXCLUDED.owner <> '' AND deliveries.owner = EXCLUDED.owner))`,
		key, chatID, owner, db.reclaim.Seconds())
	if res.Error != nil {
		return false, mapErr(res.Error, "claim delivery")
	}
	return res.RowsAffected == 1, nil
}

// DeliverySent marks a claimed message as sent: from now on it is never sent again.
func (db *DB) DeliverySent(ctx context.Context, key string) error {
	return mapErr(db.gorm.WithContext(ctx).Exec("UPDATE deliveries SET sent_at = now() WHERE key = ?", key).Error, "delivery sent")
}

// ReleaseDelivery forgets a claim whose send failed, so the job's retry sends it.
func (db *DB) ReleaseDelivery(ctx context.Context, key string) error {
	return mapErr(db.gorm.WithContext(ctx).Exec("DELETE FROM deliveries WHERE key = ?", key).Error, "release delivery")
}
