-- No query reads progress by (app, user, updated_at): per-user reads use the primary key and Mobage sorts a user's
-- records in memory. The index only cost writes: with updated_at indexed, PostgreSQL could not update a progress
-- row in place (HOT), so every step change rewrote all three indexes.
DROP INDEX progress_by_user_updated;
