package io.accolade.domain.streak;

import java.time.LocalDate;
import java.util.List;

/**
 * The settled part of a user's streak: everything up to and including the period starting {@code settledThrough},
 * which no late event can change any more (it ended before the late-event window). The walk replays only the
 * periods after it, so its cost is bounded by the window, not by the user's history.
 *
 * @param lastCounted   start of the last period that counted for the streak (met, or covered by a freeze)
 * @param nextEarn      date of the next automatic freeze grant (null without auto-earn)
 * @param grants        operator grants not yet settled, applied in the walk at their date
 */
public record StreakState(Frequency frequency, LocalDate settledThrough, int length, LocalDate started,
                          LocalDate lastCounted, int longest, int freezes, LocalDate nextEarn, Long lastExtendedAt,
                          List<Grant> grants) {

    /** Freezes granted by the operator on a date. */
    public record Grant(LocalDate on, int count) {
    }

    /** A user's streak before anything happened: the initial freezes, auto-earn counted from the user's creation. */
    public static StreakState initial(StreakSettings s, LocalDate userCreated) {
        var f = s.freezes();
        return new StreakState(s.frequency(), null, 0, null, null, 0,
                f.enabled() ? Math.min(f.initial(), f.max()) : 0,
                f.autoEarn() ? userCreated.plusDays(f.autoEarnIntervalDays()) : null, null, List.of());
    }

    public StreakState withNextEarn(LocalDate date) {
        return new StreakState(frequency, settledThrough, length, started, lastCounted, longest, freezes, date,
                lastExtendedAt, grants);
    }

    /**
     * This state holding {@code held} freezes as of {@code today}, a walk's count: the automatic earnings and the
     * operator's grants due by then are in that count, so they are not applied again.
     */
    public StreakState withFreezesHeld(int held, LocalDate today, int autoEarnIntervalDays) {
        LocalDate next = nextEarn;
        while (next != null && autoEarnIntervalDays > 0 && !next.isAfter(today)) {
            next = next.plusDays(autoEarnIntervalDays);
        }
        List<Grant> later = grants.stream().filter(g -> g.on().isAfter(today)).toList();
        return new StreakState(frequency, settledThrough, length, started, lastCounted, longest, held, next,
                lastExtendedAt, later);
    }

    public StreakState withGrant(Grant g) {
        var list = new java.util.ArrayList<>(grants);
        list.add(g);
        return new StreakState(frequency, settledThrough, length, started, lastCounted, longest, freezes, nextEarn,
                lastExtendedAt, List.copyOf(list));
    }

    /**
     * The streak restored to {@code restoredLength}, counted as if its last period was {@code lastPeriod}: the
     * walk starts after it, so earlier gaps no longer break it.
     */
    public StreakState restored(int restoredLength, Period lastPeriod, LocalDate startedOn) {
        return new StreakState(frequency, lastPeriod.start(), restoredLength, startedOn, lastPeriod.start(),
                Math.max(longest, restoredLength), freezes, nextEarn, lastExtendedAt, grants);
    }
}
