-- +goose Up
-- Check-in (presensi): an admin opens a batch's day; participants check in with the code that
-- the bot derives from the session's secret every 30 seconds (so no code is stored), once a day.
CREATE TABLE attendance_sessions (
    id         bigserial PRIMARY KEY,
    batch_id   bigint NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    day        date NOT NULL,          -- the day in the batch's zone
    secret     bytea NOT NULL,
    late_after timestamptz,            -- checked in after it: late; NULL: nobody is late
    opened_by  bigint NOT NULL,
    opened_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,   -- the end of the day: no check-in after it
    closed_at  timestamptz,
    board      integer,                -- the board's message in the opener's chat (opened_by)
    UNIQUE (batch_id, day)
);
CREATE INDEX attendance_sessions_open ON attendance_sessions (ends_at) WHERE closed_at IS NULL;

CREATE TABLE attendance (
    enrolment_id bigint NOT NULL REFERENCES enrolments (id) ON DELETE CASCADE,
    session_id   bigint NOT NULL REFERENCES attendance_sessions (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL,
    late         boolean NOT NULL DEFAULT false,
    marked_by    bigint,               -- an admin's hand (audited); NULL for a code
    PRIMARY KEY (enrolment_id, session_id)
);

-- +goose Down
DROP TABLE attendance;
DROP TABLE attendance_sessions;
