-- +goose Up
-- One row per message the bot sends on its own (a promotion, later reminders and
-- announcements): the key names recipient and purpose, so a job that runs twice sends once.
CREATE TABLE deliveries (
    key        text        PRIMARY KEY,
    chat_id    bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE deliveries;
