-- Trophy's notification preferences per user: {"achievement_completed": ["email", "push"], ...}; NULL = none set.
ALTER TABLE users ADD COLUMN preferences JSONB;
