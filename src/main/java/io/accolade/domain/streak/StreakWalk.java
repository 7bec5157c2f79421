package io.accolade.domain.streak;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * The streak engine: replays the periods after the settled state up to the current period and decides, period by
 * period, what the rules say. A met period extends the run (or starts one); a period that ended unmet consumes a
 * freeze at its end if one is held, else the streak is lost; freezes are earned automatically and granted by the
 * operator on their dates, a freeze consumption at a midnight coming before a grant due at the same midnight.
 *
 * <p>Pure and deterministic: the same records, settings and instant always give the same result, so a late event
 * that fills a past period repairs the streak simply by being in the records when the walk runs again.
 */
public final class StreakWalk {
    private StreakWalk() {
    }

    /** A user's streak as of the walk's instant. */
    public record Current(int length, LocalDate started, Period period, LocalDate expires, int freezes, int longest,
                          Long lastExtendedAt, LocalDate lastCounted) {
        public boolean active() {
            return length > 0;
        }
    }

    /**
     * The walk's outcome: the new settled state, the current streak, the period records to store (with their
     * decided freeze use and length), when the next decision falls due, and until when the streak is alive if
     * nothing happens (counting held freezes).
     */
    public record Result(StreakState settled, Current current, List<PeriodRecord> decided, Instant nextCheckAt,
                         Instant aliveUntil) {
    }

    /** The period {@code now} falls in, in the user's zone: the last period a walk decides and history shows. */
    public static Period currentPeriod(StreakSettings settings, ZoneId zone, Instant now) {
        return settings.frequency().periodOf(LocalDate.ofInstant(now, zone), settings.weekStart());
    }

    public static Result walk(StreakSettings settings, ZoneId zone, StreakState from,
                              NavigableMap<LocalDate, PeriodRecord> records, Instant now, Duration lateWindow) {
        Frequency freq = settings.frequency();
        var ws = settings.weekStart();
        var fp = settings.freezes();
        LocalDate today = LocalDate.ofInstant(now, zone);
        Period current = currentPeriod(settings, zone, now);
        LocalDate settleLimit = LocalDate.ofInstant(now.minus(lateWindow), zone);

        Period p;
        if (from.settledThrough() != null) {
            p = freq.next(freq.periodOf(from.settledThrough(), ws), ws);
        } else if (!records.isEmpty()) {
            p = freq.periodOf(records.firstKey(), ws);
        } else {
            p = current;
        }
        if (p.compareTo(current) > 0) {
            p = current;
        }

        Mutable s = new Mutable(from);
        StreakState settled = from;
        List<PeriodRecord> decided = new ArrayList<>();
        while (p.compareTo(current) <= 0) {
            boolean ended = p.compareTo(current) < 0;
            s.earnAndGrant(ended ? p.end() : today, fp);
            PeriodRecord rec = records.get(p.start());
            boolean alive = s.length > 0 && s.lastCounted != null
                    && s.lastCounted.equals(freq.previous(p, ws).start());
            if (rec != null && rec.met()) {
                s.length = alive ? s.length + 1 : 1;
                if (!alive) {
                    s.started = p.start();
                }
                s.lastCounted = p.start();
                s.longest = Math.max(s.longest, s.length);
                s.lastExtendedAt = rec.metAt();
                decided.add(rec.decided(false, s.length));
            } else if (ended) {
                if (alive && fp.enabled() && s.freezes > 0) {
                    s.freezes--;
                    s.lastCounted = p.start();
                    decided.add((rec == null ? PeriodRecord.empty(p) : rec).decided(true, s.length));
                } else {
                    if (alive) {
                        s.length = 0;
                        s.started = null;
                    }
                    if (rec != null) {
                        decided.add(rec.decided(false, 0));
                    }
                }
            } else if (rec != null) {
                decided.add(rec.decided(false, alive ? s.length : 0));
            }
            if (ended && p.end().isBefore(settleLimit)) {
                settled = s.snapshot(p.start());
            }
            p = freq.next(p, ws);
        }

        boolean alive = s.length > 0 && s.lastCounted != null
                && (s.lastCounted.equals(current.start()) || s.lastCounted.equals(freq.previous(current, ws).start()));
        Current view;
        Instant nextCheck = null;
        Instant aliveUntil = null;
        if (alive) {
            Period lastCounted = freq.periodOf(s.lastCounted, ws);
            Period following = freq.next(lastCounted, ws);
            nextCheck = following.endInstant(zone);
            Period lastCovered = following;
            for (int i = 0; fp.enabled() && i < s.freezes; i++) {
                lastCovered = freq.next(lastCovered, ws);
            }
            aliveUntil = lastCovered.endInstant(zone);
            view = new Current(s.length, s.started, current, following.end(), s.freezes, s.longest, s.lastExtendedAt,
                    s.lastCounted);
        } else {
            view = new Current(0, null, current, null, s.freezes, s.longest, null, s.lastCounted);
        }
        if (records.higherKey(current.start()) != null) {
            // A record of a period after the current one (an event stamped ahead of the clock, within the skew
            // allowed) is decided once its period has come: at the end of the current one at the latest.
            Instant end = current.endInstant(zone);
            if (nextCheck == null || end.isBefore(nextCheck)) {
                nextCheck = end;
            }
        }
        return new Result(settled, view, decided, nextCheck, aliveUntil);
    }

    /** The walk's working state. */
    private static final class Mutable {
        final Frequency frequency;
        int length;
        LocalDate started;
        LocalDate lastCounted;
        int longest;
        int freezes;
        LocalDate nextEarn;
        Long lastExtendedAt;
        final List<StreakState.Grant> grants;

        Mutable(StreakState st) {
            frequency = st.frequency();
            length = st.length();
            started = st.started();
            lastCounted = st.lastCounted();
            longest = st.longest();
            freezes = st.freezes();
            nextEarn = st.nextEarn();
            lastExtendedAt = st.lastExtendedAt();
            grants = new ArrayList<>(st.grants());
        }

        /** Freezes earned automatically and granted by the operator on or before {@code upTo}, capped at max. */
        void earnAndGrant(LocalDate upTo, StreakSettings.FreezePolicy fp) {
            if (!fp.enabled()) {
                return;
            }
            if (fp.autoEarn()) {
                while (nextEarn != null && !nextEarn.isAfter(upTo)) {
                    freezes = Math.min(fp.max(), freezes + fp.autoEarnAmount());
                    nextEarn = nextEarn.plusDays(fp.autoEarnIntervalDays());
                }
            }
            grants.removeIf(g -> {
                if (!g.on().isAfter(upTo)) {
                    freezes = Math.min(fp.max(), freezes + g.count());
                    return true;
                }
                return false;
            });
        }

        StreakState snapshot(LocalDate through) {
            return new StreakState(frequency, through, length, started, lastCounted, longest, freezes, nextEarn,
                    lastExtendedAt, List.copyOf(grants));
        }
    }
}
