-- +goose Up
-- A participant may turn reminders off (/pengingat); notices of changes are sent regardless.
ALTER TABLE participants ADD COLUMN reminders_off boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE participants DROP COLUMN reminders_off;
