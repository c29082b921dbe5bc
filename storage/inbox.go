package storage

import (
	"context"
	"fmt"
	"strings"
)

// The update inbox (bot.Inbox): updates recorded by the poller before it confirms them to
// Telegram, deleted once handled.

// RecordUpdates records a batch of updates, in one statement; recording one twice is harmless.
func (db *DB) RecordUpdates(ctx context.Context, ids []int64, bodies [][]byte) error {
	if len(ids) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO update_inbox (update_id, body) VALUES ")
	args := make([]any, 0, 2*len(ids))
	for i := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "($%d, $%d)", 2*i+1, 2*i+2)
		args = append(args, ids[i], bodies[i])
	}
	b.WriteString(" ON CONFLICT (update_id) DO NOTHING")
	_, err := db.sql.ExecContext(ctx, b.String(), args...)
	return mapErr(err, "record updates")
}

// UpdatesDone deletes handled updates from the inbox.
func (db *DB) UpdatesDone(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := db.sql.ExecContext(ctx, "DELETE FROM update_inbox WHERE update_id = ANY($1)", ids)
	return mapErr(err, "updates done")
}

// PendingUpdates returns what the inbox holds, oldest first.
func (db *DB) PendingUpdates(ctx context.Context) (ids []int64, bodies [][]byte, err error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT update_id, body FROM update_inbox ORDER BY update_id")
	if err != nil {
		return nil, nil, mapErr(err, "pending updates")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body []byte
		if err := rows.Scan(&id, &body); err != nil {
			return nil, nil, mapErr(err, "pending update")
		}
		ids, bodies = append(ids, id), append(bodies, body)
	}
	return ids, bodies, mapErr(rows.Err(), "pending updates")
}
