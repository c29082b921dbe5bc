-- +goose Up
-- The monthly JP nudge of the last quarter: who turned it off, and the month each was last
-- nudged (one a month). A row only for those the nudge concerned.
CREATE TABLE jp_nudges (
    participant_id bigint PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    off            boolean NOT NULL DEFAULT false,
    last_month     text NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE jp_nudges;
