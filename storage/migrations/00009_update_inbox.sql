-- +goose Up
-- Updates taken from Telegram and not yet handled. The poller records each batch here before
-- it confirms the batch to Telegram, so it can fetch the next batch while this one is handled;
-- a handled update's row is deleted, and a restart (or the next replica to poll) handles again
-- what is left. Rows hold what users sent only until it is handled.
CREATE TABLE update_inbox (
    update_id   bigint      PRIMARY KEY,
    body        bytea       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE update_inbox;
