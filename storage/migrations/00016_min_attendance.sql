-- +goose Up
-- The share of a batch's check-in days, in percent, that completes it (min_kehadiran).
ALTER TABLE courses ADD COLUMN min_attendance integer NOT NULL DEFAULT 80;

-- +goose Down
ALTER TABLE courses DROP COLUMN min_attendance;
