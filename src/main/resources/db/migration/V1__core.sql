-- Accolade core schema. One logical schema for SQLite and PostgreSQL: only types and statements both accept.
--  * times are BIGINT milliseconds since the epoch (UTC): portable, index-friendly, no zone ambiguity;
--  * JSON documents are JSONB columns written as text and read with ->> (SQLite stores the text as-is);
--  * every key that holds user data starts with (app_id, user_id), so the schema shards by user on
--    PostgreSQL-compatible distributed engines (Citus, YugabyteDB) without redesign. No sequences, no triggers.

-- Server-wide settings (e.g. the hash of a generated admin token).
CREATE TABLE server_settings (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    value       TEXT         NOT NULL,
    updated_at  BIGINT       NOT NULL
);

-- A single row whose version every definition/key change bumps; nodes poll it to invalidate their caches.
CREATE TABLE config_version (
    id          INTEGER      NOT NULL PRIMARY KEY,
    version     BIGINT       NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 0);

-- Tenants.
CREATE TABLE apps (
    app_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        TEXT         NOT NULL,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL
);

-- API keys: "<prefix>.<secret>"; only the SHA-256 of the whole key is stored. The prefix finds the row.
CREATE TABLE api_keys (
    app_id       VARCHAR(64)  NOT NULL,
    key_id       VARCHAR(64)  NOT NULL,
    prefix       VARCHAR(16)  NOT NULL,
    secret_hash  VARCHAR(64)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    last_used_at BIGINT,
    PRIMARY KEY (app_id, key_id)
);
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix);

-- Metric definitions.
CREATE TABLE metrics (
    app_id      VARCHAR(64)  NOT NULL,
    metric_key  VARCHAR(64)  NOT NULL,
    id          VARCHAR(36)  NOT NULL,
    name        TEXT         NOT NULL,
    units       TEXT,
    status      VARCHAR(16)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL,
    PRIMARY KEY (app_id, metric_key)
);

-- Achievement definitions. Columns hold identity and lifecycle; `spec` holds the rest of the definition
-- (trigger details, filters, presentation fields of both dialects) as one JSON document, so a new presentation
-- field needs no migration.
CREATE TABLE achievements (
    app_id      VARCHAR(64)  NOT NULL,
    ach_key     VARCHAR(64)  NOT NULL,
    id          VARCHAR(36)  NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    trigger_type VARCHAR(16) NOT NULL,
    position    INTEGER      NOT NULL,
    spec        JSONB        NOT NULL,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL,
    PRIMARY KEY (app_id, ach_key)
);

-- Users. The row is also the per-user write lock: every write path touches it first (see store.UserStore).
CREATE TABLE users (
    app_id              VARCHAR(64)   NOT NULL,
    user_id             VARCHAR(128)  NOT NULL,
    email               TEXT,
    name                TEXT,
    tz                  VARCHAR(64),
    device_tokens       JSONB,
    subscribe_to_emails BOOLEAN       NOT NULL,
    attributes          JSONB         NOT NULL,
    control             BOOLEAN       NOT NULL,
    write_seq           BIGINT        NOT NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    PRIMARY KEY (app_id, user_id)
);

-- Running total of one metric for one user.
CREATE TABLE metric_totals (
    app_id      VARCHAR(64)   NOT NULL,
    user_id     VARCHAR(128)  NOT NULL,
    metric_key  VARCHAR(64)   NOT NULL,
    total       DOUBLE PRECISION NOT NULL,
    updated_at  BIGINT        NOT NULL,
    PRIMARY KEY (app_id, user_id, metric_key)
);

-- Append-only log of accepted metric events.
CREATE TABLE events (
    app_id       VARCHAR(64)   NOT NULL,
    user_id      VARCHAR(128)  NOT NULL,
    event_id     VARCHAR(36)   NOT NULL,
    metric_key   VARCHAR(64)   NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    attributes   JSONB,
    event_time   BIGINT        NOT NULL,
    received_at  BIGINT        NOT NULL,
    PRIMARY KEY (app_id, user_id, event_id)
);
CREATE INDEX events_by_metric_time ON events (app_id, user_id, metric_key, event_time);

-- Idempotency keys of metric events: unique per (app, user, metric, key).
CREATE TABLE idempotency_keys (
    app_id      VARCHAR(64)   NOT NULL,
    user_id     VARCHAR(128)  NOT NULL,
    metric_key  VARCHAR(64)   NOT NULL,
    idem_key    VARCHAR(255)  NOT NULL,
    event_id    VARCHAR(36)   NOT NULL,
    created_at  BIGINT        NOT NULL,
    PRIMARY KEY (app_id, user_id, metric_key, idem_key)
);

-- One user's progress on one achievement, whichever dialect wrote it. A missing row means "never touched".
CREATE TABLE progress (
    app_id            VARCHAR(64)   NOT NULL,
    user_id           VARCHAR(128)  NOT NULL,
    ach_key           VARCHAR(64)   NOT NULL,
    state             VARCHAR(16)   NOT NULL,
    steps             BIGINT        NOT NULL,
    metric_progress   DOUBLE PRECISION NOT NULL,
    unlock_count      INTEGER       NOT NULL,
    first_unlocked_at BIGINT,
    last_unlocked_at  BIGINT,
    completion_id     VARCHAR(36),
    created_at        BIGINT        NOT NULL,
    updated_at        BIGINT        NOT NULL,
    PRIMARY KEY (app_id, user_id, ach_key)
);
CREATE INDEX progress_by_user_updated ON progress (app_id, user_id, updated_at);
CREATE INDEX progress_by_achievement ON progress (app_id, ach_key, user_id);

-- Counters that many users touch (completions per achievement, users per app), split into slots so that
-- concurrent unlocks of unrelated users do not queue on one row. Value = SUM over slots.
CREATE TABLE counters (
    app_id      VARCHAR(64)   NOT NULL,
    counter     VARCHAR(80)   NOT NULL,
    slot        INTEGER       NOT NULL,
    value       BIGINT        NOT NULL,
    PRIMARY KEY (app_id, counter, slot)
);

-- Mutual friendships, stored in both directions.
CREATE TABLE friends (
    app_id      VARCHAR(64)   NOT NULL,
    user_id     VARCHAR(128)  NOT NULL,
    friend_id   VARCHAR(128)  NOT NULL,
    created_at  BIGINT        NOT NULL,
    PRIMARY KEY (app_id, user_id, friend_id)
);

-- OAuth 2.0 access tokens of the Mobage dialect (SHA-256 of the token only).
CREATE TABLE access_tokens (
    token_hash  VARCHAR(64)   NOT NULL PRIMARY KEY,
    app_id      VARCHAR(64)   NOT NULL,
    user_id     VARCHAR(128)  NOT NULL,
    key_id      VARCHAR(64)   NOT NULL,
    created_at  BIGINT        NOT NULL,
    expires_at  BIGINT        NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX access_tokens_by_user ON access_tokens (app_id, user_id);
