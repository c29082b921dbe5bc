-- +goose Up
-- The training catalogue: a course (pelatihan) runs in batches (angkatan); a participant
-- enrols in a batch.
CREATE TABLE courses (
    id          bigserial   PRIMARY KEY,
    code        text        NOT NULL,
    title       text        NOT NULL,
    category    text        NOT NULL,
    method      text        NOT NULL CHECK (method IN ('klasikal', 'daring', 'blended')),
    jp          integer     NOT NULL CHECK (jp > 0),
    description text        NOT NULL DEFAULT '',
    audience    text        NOT NULL DEFAULT '',
    published   boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT courses_code_key UNIQUE (code)
);

CREATE TABLE batches (
    id             bigserial   PRIMARY KEY,
    course_id      bigint      NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    name           text        NOT NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    time_zone      text        NOT NULL DEFAULT 'Asia/Jakarta',
    location       text        NOT NULL DEFAULT '',
    online_url     text        NOT NULL DEFAULT '',
    quota          integer     NOT NULL CHECK (quota > 0),
    reg_opens_at   timestamptz NOT NULL,
    reg_closes_at  timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled', 'finished')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT batches_course_name_key UNIQUE (course_id, name),
    CONSTRAINT batches_dates_check CHECK (ends_at > starts_at AND reg_closes_at > reg_opens_at)
);
CREATE INDEX batches_starts_at_idx ON batches (starts_at);

CREATE TABLE enrolments (
    id             bigserial   PRIMARY KEY,
    participant_id bigint      NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    batch_id       bigint      NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    status         text        NOT NULL CHECK (status IN ('terdaftar', 'daftar_tunggu', 'batal', 'hadir', 'selesai')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    cancelled_at   timestamptz
);
-- At most one live enrolment of a participant in a batch; cancelled ones stay as history.
CREATE UNIQUE INDEX enrolments_live_key ON enrolments (participant_id, batch_id) WHERE status <> 'batal';
CREATE INDEX enrolments_batch_status_idx ON enrolments (batch_id, status, id);
CREATE INDEX enrolments_participant_idx ON enrolments (participant_id);

-- +goose Down
DROP TABLE enrolments;
DROP TABLE batches;
DROP TABLE courses;
