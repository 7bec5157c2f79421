package io.accolade.domain;

/**
 * One user's progress on one achievement, whichever dialect wrote it.
 *
 * @param steps           Mobage's steps (for metric achievements: the matching total, floored and capped)
 * @param metricProgress  for metric achievements with event-attribute filters: the sum of the matching events
 * @param unlockCount     Mobage's numOfUnlocked (above 1 only for repeatable achievements)
 * @param firstUnlockedAt Trophy's achievedAt; null while never completed
 * @param completionId    Trophy's completionId of the first completion
 */
public record Progress(
        String achievementKey,
        ProgressState state,
        long steps,
        double metricProgress,
        int unlockCount,
        Long firstUnlockedAt,
        Long lastUnlockedAt,
        String completionId,
        long createdAt,
        long updatedAt) {

    /** The record a user gets when something first touches the achievement. */
    public static Progress fresh(Achievement a, long now) {
        return new Progress(a.key(), a.initialState(), 0, 0, 0, null, null, null, now, now);
    }

    public boolean completed() {
        return firstUnlockedAt != null;
    }

    public Progress withSteps(long s, long now) {
        return new Progress(achievementKey, state, s, metricProgress, unlockCount, firstUnlockedAt, lastUnlockedAt,
                completionId, createdAt, now);
    }

    public Progress withState(ProgressState s, long now) {
        return new Progress(achievementKey, s, steps, metricProgress, unlockCount, firstUnlockedAt, lastUnlockedAt,
                completionId, createdAt, now);
    }

    public Progress withMetricProgress(double p, long now) {
        return new Progress(achievementKey, state, steps, p, unlockCount, firstUnlockedAt, lastUnlockedAt,
                completionId, createdAt, now);
    }

    /** One more unlock at {@code now}; the first one also fixes achievedAt and the completion id. */
    public Progress unlocked(long now, String newCompletionId) {
        return new Progress(achievementKey, ProgressState.UNLOCKED, steps, metricProgress, unlockCount + 1,
                firstUnlockedAt == null ? now : firstUnlockedAt, now,
                completionId == null ? newCompletionId : completionId, createdAt, now);
    }
}
