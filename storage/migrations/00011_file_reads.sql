-- +goose Up
-- Reads of files admins send, by the file's SHA-256: a read is recorded before it starts and
-- marked when it ends, so a file that killed the bot while being read (and comes back when
-- the update is replayed) is refused instead of killing it again. No person is named here.
CREATE TABLE file_reads (
    digest      text        PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz
);

-- A batch changed in chat (/ubahjadwal) keeps its new schedule against a catalogue file that
-- still holds the old one: an import leaves it alone until the file agrees again.
ALTER TABLE batches ADD COLUMN changed_in_chat_at timestamptz;

-- +goose Down
ALTER TABLE batches DROP COLUMN changed_in_chat_at;
DROP TABLE file_reads;
