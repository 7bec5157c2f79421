-- Streaks. Dates are ISO 'YYYY-MM-DD' strings (they sort as dates on both engines).

-- One document of streak rules per app.
CREATE TABLE streak_settings (
    app_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    spec        JSONB        NOT NULL,
    updated_at  BIGINT       NOT NULL
);

-- Per user: the settled state (JSON, see domain.streak.StreakState) and, as columns, what rankings and the
-- scheduler query: current and longest length, until when the streak is alive without events, and when the next
-- decision (freeze consumption or loss) falls due.
CREATE TABLE streaks (
    app_id            VARCHAR(64)   NOT NULL,
    user_id           VARCHAR(128)  NOT NULL,
    frequency         VARCHAR(16)   NOT NULL,
    state             JSONB         NOT NULL,
    length            INTEGER       NOT NULL,
    longest           INTEGER       NOT NULL,
    alive_until       BIGINT,
    next_check_at     BIGINT,
    last_extended_at  BIGINT,
    updated_at        BIGINT        NOT NULL,
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX streaks_by_length ON streaks (app_id, length);
CREATE INDEX streaks_by_longest ON streaks (app_id, longest);
CREATE INDEX streaks_due ON streaks (next_check_at);

-- Per user and period: the sums of the streak metrics and what the walk decided.
CREATE TABLE streak_periods (
    app_id        VARCHAR(64)   NOT NULL,
    user_id       VARCHAR(128)  NOT NULL,
    frequency     VARCHAR(16)   NOT NULL,
    period_start  VARCHAR(10)   NOT NULL,
    period_end    VARCHAR(10)   NOT NULL,
    sums          JSONB         NOT NULL,
    met           BOOLEAN       NOT NULL,
    met_at        BIGINT,
    used_freeze   BOOLEAN       NOT NULL,
    length        INTEGER       NOT NULL,
    PRIMARY KEY (app_id, user_id, frequency, period_start)
);

-- Rate limits: one token bucket per API key, shared by every node. Nodes take tokens in small leases, so the
-- bucket row is written once per lease, not once per request.
CREATE TABLE rate_buckets (
    app_id      VARCHAR(64)   NOT NULL,
    key_id      VARCHAR(64)   NOT NULL,
    tokens      DOUBLE PRECISION NOT NULL,
    granted     INTEGER       NOT NULL,
    updated_at  BIGINT        NOT NULL,
    PRIMARY KEY (app_id, key_id)
);
