-- +goose Up
-- The post-training evaluation. A course names its template (survey_key, '' for the default);
-- a batch names its trainers, evaluated one by one ("Nama A;Nama B", as the catalogue writes).
ALTER TABLE courses ADD COLUMN survey_key text NOT NULL DEFAULT '';
ALTER TABLE batches ADD COLUMN trainers text NOT NULL DEFAULT '';

-- Every version of every template: answers belong to the version that was asked.
CREATE TABLE survey_templates (
    id         bigserial   PRIMARY KEY,
    key        text        NOT NULL,
    version    integer     NOT NULL,
    title      text        NOT NULL,
    anonymous  boolean     NOT NULL,
    body       jsonb       NOT NULL,
    digest     text        NOT NULL, -- of body: loading the same template again adds no version
    shipped    boolean     NOT NULL DEFAULT false, -- the binary's own (locales/templates), not an agency's
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT survey_templates_key_version_key UNIQUE (key, version)
);

-- One batch's survey, opened once: its template version and its trainers as they were then.
CREATE TABLE surveys (
    id          bigserial   PRIMARY KEY,
    batch_id    bigint      NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    template_id bigint      NOT NULL REFERENCES survey_templates (id),
    trainers    text        NOT NULL DEFAULT '',
    opened_at   timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL,
    CONSTRAINT surveys_batch_key UNIQUE (batch_id)
);
CREATE INDEX surveys_opened_at_idx ON surveys (opened_at);

-- The answers of a survey being filled in, saved as they are given, until it is submitted.
CREATE TABLE survey_progress (
    enrolment_id bigint      PRIMARY KEY REFERENCES enrolments (id) ON DELETE CASCADE,
    survey_id    bigint      NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position     integer     NOT NULL DEFAULT 0,
    answers      jsonb       NOT NULL DEFAULT '{}',
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Who submitted, kept apart from what they answered: one submission per enrolment.
CREATE TABLE survey_completions (
    survey_id    bigint      NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    enrolment_id bigint      NOT NULL REFERENCES enrolments (id) ON DELETE CASCADE,
    submitted_at timestamptz NOT NULL,
    PRIMARY KEY (survey_id, enrolment_id)
);

-- What was answered. For an anonymous template there is no enrolment, a random id and only
-- the day: nothing joins the answers back to a completion. A participant who deletes their
-- data leaves their answers without a name (the enrolment goes, the link with it).
CREATE TABLE survey_responses (
    id           uuid    PRIMARY KEY DEFAULT gen_random_uuid(),
    survey_id    bigint  NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    enrolment_id bigint  REFERENCES enrolments (id) ON DELETE SET NULL,
    answers      jsonb   NOT NULL,
    submitted_on date    NOT NULL
);
CREATE INDEX survey_responses_survey_idx ON survey_responses (survey_id, submitted_on);

-- +goose Down
DROP TABLE survey_responses;
DROP TABLE survey_completions;
DROP TABLE survey_progress;
DROP TABLE surveys;
DROP TABLE survey_templates;
ALTER TABLE batches DROP COLUMN trainers;
ALTER TABLE courses DROP COLUMN survey_key;
