-- +goose Up
-- Counts a batch's changes of dates or place: each notice of a change carries the count, so
-- a batch moved back and forth tells each move, even one that returns to earlier values.
ALTER TABLE batches ADD COLUMN revision integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE batches DROP COLUMN revision;
