package io.accolade.domain;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The rules that move a user's progress, whichever dialect asks: metric events, streak lengths and Trophy's
 * complete call (engine-driven), and Mobage's state/steps writes (client-driven). After every unlock the
 * prerequisite chains are evaluated transitively, so an achievement unlocked through one dialect completes the
 * composites that depend on it in the same write.
 *
 * <p>Pure: no I/O, no clock (callers pass {@code now}); completion ids come from an injected supplier.
 */
public final class AchievementEngine {
    private final Supplier<String> completionIds;

    public AchievementEngine(Supplier<String> completionIds) {
        this.completionIds = completionIds;
    }

    // ---- engine-driven (Trophy) -------------------------------------------------------------------------------

    /**
     * A metric event of {@code value} brought the user's total of {@code metricKey} to {@code newTotal}.
     * Achievements without event filters follow the total; those with filters add the values of matching events.
     */
    public void onMetricEvent(Catalog catalog, UserProgress book, Map<String, String> userAttributes,
                              String metricKey, double value, double newTotal, Map<String, String> eventAttributes,
                              long now) {
        for (Achievement a : catalog.achievementsOfMetric(metricKey)) {
            if (a.status() == AchievementStatus.INACTIVE) {
                continue;
            }
            Progress p = book.get(a.key()).orElse(null);
            if (p != null && p.completed()) {
                continue;
            }
            boolean filtered = !a.eventAttributes().isEmpty();
            if (filtered && !AttributeFilter.allMatch(a.eventAttributes(), eventAttributes)) {
                continue;
            }
            double progress = filtered ? (p == null ? 0 : p.metricProgress()) + value : newTotal;
            long steps = Math.clamp((long) Math.floor(progress), 0, a.totalSteps());
            double threshold = ((Trigger.Metric) a.trigger()).metricValue();
            boolean reached = progress >= threshold && a.isActive() && a.accessibleTo(userAttributes);
            if (p == null) {
                if (steps == 0 && !reached && !filtered) {
                    continue;
                }
                p = Progress.fresh(a, now);
            }
            Progress next = p;
            if (next.steps() != steps) {
                next = next.withSteps(steps, now);
            }
            if (filtered && next.metricProgress() != progress) {
                next = next.withMetricProgress(progress, now);
            }
            if (reached) {
                unlock(book, a, next.withSteps(a.totalSteps(), now), now);
            } else if (next != p || book.get(a.key()).isEmpty()) {
                book.put(next);
            }
        }
        unlockChains(catalog, book, userAttributes, now);
    }

    /** The user's streak is now {@code length} long: streak achievements up to it unlock. */
    public void onStreakLength(Catalog catalog, UserProgress book, Map<String, String> userAttributes, int length,
                               long now) {
        for (Achievement a : catalog.streakAchievements()) {
            if (a.status() == AchievementStatus.INACTIVE || book.completed(a.key())) {
                continue;
            }
            int needed = ((Trigger.Streak) a.trigger()).length();
            Progress p = book.get(a.key()).orElseGet(() -> Progress.fresh(a, now));
            long steps = Math.min(length, a.totalSteps());
            if (length >= needed && a.isActive() && a.accessibleTo(userAttributes)) {
                unlock(book, a, p.withSteps(a.totalSteps(), now), now);
            } else if (p.steps() < steps) {
                book.put(p.withSteps(steps, now));
            }
        }
        unlockChains(catalog, book, userAttributes, now);
    }

    /**
     * Trophy's complete call for an {@code api} achievement. Completing again changes nothing (returns false).
     */
    public boolean complete(Catalog catalog, UserProgress book, Map<String, String> userAttributes, Achievement a,
                            long now) {
        if (!(a.trigger() instanceof Trigger.Api)) {
            throw Rejection.unprocessable("achievement '" + a.key() + "' has trigger '" + a.trigger().type()
                    + "'; only 'api' achievements can be completed through the API");
        }
        if (book.completed(a.key())) {
            return false;
        }
        requireUnlockable(a, userAttributes);
        Progress p = book.get(a.key()).orElseGet(() -> Progress.fresh(a, now));
        unlock(book, a, p.withSteps(a.totalSteps(), now), now);
        unlockChains(catalog, book, userAttributes, now);
        return true;
    }

    /**
     * Trophy's backdating: {@code a} was created, activated or changed, and this user may already meet it. Completes
     * it silently from stored facts: {@code measure} is the user's total of the metric (for a metric achievement with
     * event filters: the sum of the matching events) or the streak length; composites look at the prerequisites.
     */
    public void backfill(Catalog catalog, UserProgress book, Map<String, String> userAttributes, Achievement a,
                         double measure, long now) {
        if (!a.isActive() || book.completed(a.key()) || !a.accessibleTo(userAttributes)) {
            return;
        }
        boolean meets = switch (a.trigger()) {
            case Trigger.Metric m -> measure >= m.metricValue();
            case Trigger.Streak s -> measure >= s.length();
            case Trigger.Composite c -> c.prerequisites().stream().allMatch(book::completed);
            case Trigger.Api api -> false;
        };
        Progress p = book.get(a.key()).orElseGet(() -> Progress.fresh(a, now));
        if (meets) {
            unlock(book, a, p.withSteps(a.totalSteps(), now), now);
            unlockChains(catalog, book, userAttributes, now);
        } else if (a.trigger() instanceof Trigger.Metric && !a.eventAttributes().isEmpty()) {
            long steps = Math.clamp((long) Math.floor(measure), 0, a.totalSteps());
            if (p.metricProgress() != measure || p.steps() != steps) {
                book.put(p.withMetricProgress(measure, now).withSteps(steps, now));
            }
        }
    }

    // ---- client-driven (Mobage) -------------------------------------------------------------------------------

    /**
     * Mobage's PUT {@code fields=state}. HIDDEN → REVEALED | UNLOCKED; REVEALED → UNLOCKED; UNLOCKED → UNLOCKED only
     * when repeatable (one more unlock). A record that does not exist yet is created at the initial state first;
     * asking for exactly that state then is the creation itself, not a change.
     */
    public Progress setState(Catalog catalog, UserProgress book, Map<String, String> userAttributes, Achievement a,
                             ProgressState target, long now) {
        Progress current = book.get(a.key()).orElse(null);
        if (current == null && target == a.initialState()) {
            Progress created = Progress.fresh(a, now);
            book.put(created);
            return created;
        }
        Progress p = current == null ? Progress.fresh(a, now) : current;
        switch (p.state()) {
            case HIDDEN -> {
                if (target == ProgressState.HIDDEN) {
                    throw Rejection.conflict("state is HIDDEN; it can change only to REVEALED or UNLOCKED");
                }
            }
            case REVEALED -> {
                if (target != ProgressState.UNLOCKED) {
                    throw Rejection.conflict("state is REVEALED; it can change only to UNLOCKED");
                }
            }
            case UNLOCKED -> {
                if (target != ProgressState.UNLOCKED || !a.repeatable()) {
                    throw Rejection.conflict("state is UNLOCKED; only a repeatable achievement can be UNLOCKED again");
                }
            }
        }
        if (target == ProgressState.REVEALED) {
            Progress next = p.withState(ProgressState.REVEALED, now);
            book.put(next);
            return next;
        }
        requireUnlockable(a, userAttributes);
        Progress base = p.state() == ProgressState.UNLOCKED ? p : p.withSteps(a.totalSteps(), now);
        Progress next = unlock(book, a, base, now);
        unlockChains(catalog, book, userAttributes, now);
        return book.get(a.key()).orElse(next);
    }

    /**
     * Mobage's PUT {@code fields=steps}: allowed while REVEALED, or UNLOCKED on a repeatable achievement. Steps
     * above totalSteps are clamped to it. Reaching totalSteps unlocks (again, for a repeatable achievement that was
     * below it).
     */
    public Progress setSteps(Catalog catalog, UserProgress book, Map<String, String> userAttributes, Achievement a,
                             long steps, long now) {
        if (steps < 0) {
            throw Rejection.invalid("'steps' must not be negative");
        }
        if (!(a.trigger() instanceof Trigger.Api)) {
            throw Rejection.conflict("steps of '" + a.key() + "' follow its " + a.trigger().type()
                    + " trigger and cannot be written");
        }
        Progress p = book.get(a.key()).orElseGet(() -> Progress.fresh(a, now));
        boolean writable = p.state() == ProgressState.REVEALED
                || (p.state() == ProgressState.UNLOCKED && a.repeatable());
        if (!writable) {
            throw Rejection.conflict(p.state() == ProgressState.HIDDEN
                    ? "steps cannot change while the state is HIDDEN"
                    : "steps cannot change once a non-repeatable achievement is UNLOCKED");
        }
        long clamped = Math.min(steps, a.totalSteps());
        boolean reaches = clamped >= a.totalSteps() && (p.state() == ProgressState.REVEALED || p.steps() < a.totalSteps());
        Progress next = p.withSteps(clamped, now);
        if (reaches) {
            requireUnlockable(a, userAttributes);
            unlock(book, a, next, now);
            unlockChains(catalog, book, userAttributes, now);
            return book.get(a.key()).orElseThrow();
        }
        book.put(next);
        return next;
    }

    /** Mobage's Increment User Achievement: a signed delta of steps, floored at 0, under the same rules. */
    public Progress incrementSteps(Catalog catalog, UserProgress book, Map<String, String> userAttributes,
                                   Achievement a, long delta, long now) {
        long current = book.get(a.key()).map(Progress::steps).orElse(0L);
        return setSteps(catalog, book, userAttributes, a, Math.max(0, current + delta), now);
    }

    // ---- shared -----------------------------------------------------------------------------------------------

    /** Composite achievements whose prerequisites are all completed unlock, until nothing more changes. */
    void unlockChains(Catalog catalog, UserProgress book, Map<String, String> userAttributes, long now) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Achievement c : catalog.composites()) {
                if (!c.isActive() || book.completed(c.key()) || !c.accessibleTo(userAttributes)) {
                    continue;
                }
                boolean all = ((Trigger.Composite) c.trigger()).prerequisites().stream().allMatch(book::completed);
                if (all) {
                    Progress p = book.get(c.key()).orElseGet(() -> Progress.fresh(c, now));
                    unlock(book, c, p.withSteps(c.totalSteps(), now), now);
                    progress = true;
                }
            }
        }
    }

    private Progress unlock(UserProgress book, Achievement a, Progress p, long now) {
        boolean first = !p.completed();
        Progress next = p.unlocked(now, first ? completionIds.get() : null);
        book.put(next);
        if (first) {
            book.completedNow(a);
        }
        return next;
    }

    private static void requireUnlockable(Achievement a, Map<String, String> userAttributes) {
        if (a.status() == AchievementStatus.LOCKED) {
            throw Rejection.conflict("achievement '" + a.key() + "' is locked: it takes no new completions");
        }
        if (a.status() == AchievementStatus.INACTIVE) {
            throw Rejection.notFound("achievement '" + a.key() + "' not found");
        }
        if (!a.accessibleTo(userAttributes)) {
            throw Rejection.conflict("the user's attributes do not match the user attribute filters of '"
                    + a.key() + "'");
        }
    }
}
