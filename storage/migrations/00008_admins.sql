-- +goose Up
-- Admins and operators added in chat (ADMIN_IDS are admins from the start and are not stored).
CREATE TABLE staff (
    telegram_id bigint      PRIMARY KEY,
    role        text        NOT NULL CHECK (role IN ('admin', 'operator')),
    name        text        NOT NULL DEFAULT '',
    added_by    bigint      NOT NULL,
    added_at    timestamptz NOT NULL
);

-- One-time invitation links (?start=adm_<code>), valid for a day.
CREATE TABLE staff_invites (
    code       text        PRIMARY KEY,
    role       text        NOT NULL CHECK (role IN ('admin', 'operator')),
    created_by bigint      NOT NULL,
    expires_at timestamptz NOT NULL,
    used_by    bigint,
    used_at    timestamptz
);

-- Who did what, and when: every admin action, written in the transaction of the action.
CREATE TABLE audit_log (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      bigint      NOT NULL, -- Telegram user id; 0 for the command line
    actor_name text        NOT NULL DEFAULT '',
    action     text        NOT NULL,
    subject    text        NOT NULL DEFAULT '',
    detail     text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Announcements (/siaran): the audience as chosen, the message as the admin wrote it (HTML
-- from their formatting), and the counts of its delivery, kept as it goes.
CREATE TABLE announcements (
    id             bigserial   PRIMARY KEY,
    created_by     bigint      NOT NULL,
    draft_key      text        NOT NULL, -- the wizard's draft: a second tap on "Kirim" finds the first
    created_at     timestamptz NOT NULL,
    audience       jsonb       NOT NULL,
    body           text        NOT NULL DEFAULT '',
    media_kind     text        NOT NULL DEFAULT '', -- '', 'photo' or 'document'
    media_file     text        NOT NULL DEFAULT '', -- Telegram file_id
    link_preview   boolean     NOT NULL DEFAULT false,
    send_at        timestamptz NOT NULL,
    urgent         boolean     NOT NULL DEFAULT false,
    status         text        NOT NULL, -- scheduled, sending, stopped, done, cancelled
    total          integer     NOT NULL DEFAULT 0,
    sent           integer     NOT NULL DEFAULT 0,
    unreachable    integer     NOT NULL DEFAULT 0,
    failed         integer     NOT NULL DEFAULT 0,
    skipped        integer     NOT NULL DEFAULT 0, -- stopped before it went, or the person deleted their data
    status_chat    bigint      NOT NULL DEFAULT 0,
    status_message integer     NOT NULL DEFAULT 0,
    status_shown   timestamptz, -- the status message's last edit
    started_at     timestamptz,
    finished_at    timestamptz,
    CONSTRAINT announcements_draft_key UNIQUE (created_by, draft_key)
);
CREATE INDEX announcements_scheduled ON announcements (send_at) WHERE status = 'scheduled';

-- Who an announcement goes to, fixed when it starts, with what became of each.
CREATE TABLE announcement_recipients (
    announcement_id bigint  NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    participant_id  bigint  NOT NULL, -- no foreign key: a person who deletes their data is skipped, not lost from the counts
    enrolment_id    bigint,           -- the enrolment that put them in the audience, for {angkatan} and {mulai}
    status          text    NOT NULL DEFAULT 'pending', -- pending, sent, unreachable, failed, skipped
    reason          text    NOT NULL DEFAULT '',
    PRIMARY KEY (announcement_id, participant_id)
);

-- +goose Down
DROP TABLE announcement_recipients;
DROP TABLE announcements;
DROP TABLE audit_log;
DROP TABLE staff_invites;
DROP TABLE staff;
