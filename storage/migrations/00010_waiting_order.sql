-- +goose Up
-- The waiting list's order is the order in which seats were decided. Under load that is not
-- the order rows get their ids in: an enrolment's notices are planned before its batch's seat
-- lock, and its seat decided under it, so the place in line is numbered there, from a
-- sequence of its own.
CREATE SEQUENCE enrolments_queued_seq;
ALTER TABLE enrolments ADD COLUMN queued bigint;
UPDATE enrolments SET queued = id;
SELECT setval('enrolments_queued_seq', COALESCE((SELECT max(id) FROM enrolments), 0) + 1, false);
ALTER TABLE enrolments ALTER COLUMN queued SET DEFAULT nextval('enrolments_queued_seq'),
    ALTER COLUMN queued SET NOT NULL;
ALTER SEQUENCE enrolments_queued_seq OWNED BY enrolments.queued;
CREATE INDEX enrolments_batch_queue_idx ON enrolments (batch_id, status, queued);
DROP INDEX enrolments_batch_status_idx;

-- +goose Down
CREATE INDEX enrolments_batch_status_idx ON enrolments (batch_id, status, id);
DROP INDEX enrolments_batch_queue_idx;
ALTER TABLE enrolments DROP COLUMN queued;
