package io.accolade.domain.streak;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An app's streak lengths as one read saw them, enough to rank any streak at any instant up to the instant it
 * covers without reading again: rank = the active streaks longer than it, plus one (ties share a rank).
 *
 * <p>The stored lengths count every stored streak, including those that have expired but that the scheduler has not
 * stored as lost yet. Those are subtracted: the read also brings every streak whose {@code aliveUntil} falls before
 * {@code coversUntil}, and a streak among them counts as expired from its own {@code aliveUntil} on. So the answer
 * for an instant after the read is still exact, as long as no streak changed since; the caller decides how long that
 * is trusted (see {@code StreakService}).
 */
public final class StreakRanks {
    /** A stored streak that ends within the range the read covers. */
    public record Ending(int length, long aliveUntil) {
    }

    /** Distinct stored lengths, ascending. */
    private final int[] lengths;
    /** {@code longerOrEqual[i]}: stored streaks at least {@code lengths[i]} long. */
    private final long[] longerOrEqual;
    private final List<Ending> ending;
    private final long coversUntil;

    private StreakRanks(int[] lengths, long[] longerOrEqual, List<Ending> ending, long coversUntil) {
        this.lengths = lengths;
        this.longerOrEqual = longerOrEqual;
        this.ending = ending;
        this.coversUntil = coversUntil;
    }

    /**
     * @param usersByLength stored streaks per length (lengths of 0 and counts of 0 are ignored)
     * @param ending        every stored streak whose {@code aliveUntil} is at or before {@code coversUntil}
     */
    public static StreakRanks of(Map<Integer, Long> usersByLength, List<Ending> ending, long coversUntil) {
        TreeMap<Integer, Long> sorted = new TreeMap<>();
        usersByLength.forEach((len, users) -> {
            if (len > 0 && users != 0) {
                sorted.merge(len, users, Long::sum);
            }
        });
        int[] lengths = new int[sorted.size()];
        long[] suffix = new long[sorted.size()];
        int i = 0;
        for (var e : sorted.entrySet()) {
            lengths[i++] = e.getKey();
        }
        long sum = 0;
        for (var e : sorted.descendingMap().entrySet()) {
            sum += e.getValue();
            suffix[--i] = sum;
        }
        return new StreakRanks(lengths, suffix, List.copyOf(ending), coversUntil);
    }

    /**
     * Whether {@link #countLonger} is exact at {@code now} (given that no streak changed since the read): up to the
     * last instant the read covered.
     */
    public boolean covers(long now) {
        return now <= coversUntil;
    }

    /** Active streaks longer than {@code length} at {@code now} (which {@link #covers} must accept). */
    public long countLonger(int length, long now) {
        if (!covers(now)) {
            throw new IllegalArgumentException("this read of the lengths does not reach " + now);
        }
        int i = Arrays.binarySearch(lengths, length + 1);
        int first = i >= 0 ? i : -i - 1;   // the first stored length > length
        long stored = first < lengths.length ? longerOrEqual[first] : 0;
        long expired = 0;
        for (Ending e : ending) {
            if (e.aliveUntil() <= now && e.length() > length) {
                expired++;
            }
        }
        return stored - expired;
    }
}
