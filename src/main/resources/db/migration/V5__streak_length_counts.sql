-- Streak ranks without counting users (issue 7): how many of an app's stored streaks have each length, split in
-- slots like `counters` so that concurrent extensions of unrelated users rarely wait on one row. Only lengths > 0.
-- A rank is 1 + the streaks longer than the user's, i.e. SUM over lengths > L minus the streaks that have expired
-- but are not yet stored as lost (found through streaks_expiring: the scheduler's backlog, not the app's users).
CREATE TABLE streak_lengths (
    app_id      VARCHAR(64)   NOT NULL,
    length      INTEGER       NOT NULL,
    slot        INTEGER       NOT NULL,
    users       BIGINT        NOT NULL,
    PRIMARY KEY (app_id, length, slot)
);
INSERT INTO streak_lengths (app_id, length, slot, users)
    SELECT app_id, length, 0, COUNT(*) FROM streaks WHERE length > 0 GROUP BY app_id, length;

CREATE INDEX streaks_expiring ON streaks (app_id, alive_until);
