-- +goose Up
-- A delivery is claimed before the send and marked sent after it. A claim left unsent (the
-- replica died between the two) may be taken again by the job's retry, so a crash loses no
-- message; only one in flight at the instant of the crash can go twice.
ALTER TABLE deliveries ADD COLUMN sent_at timestamptz;
-- The job that holds the claim: its own retry may take the claim back at once.
ALTER TABLE deliveries ADD COLUMN owner text NOT NULL DEFAULT '';
UPDATE deliveries SET sent_at = created_at;

-- +goose Down
ALTER TABLE deliveries DROP COLUMN owner;
ALTER TABLE deliveries DROP COLUMN sent_at;
