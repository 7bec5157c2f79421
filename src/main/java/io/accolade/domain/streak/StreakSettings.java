package io.accolade.domain.streak;

import java.time.DayOfWeek;
import java.util.Map;

/**
 * An app's streak rules.
 *
 * @param metrics   the metrics that count, each with the minimum change per period it needs
 * @param mode      ALL: every metric's minimum must be met in a period; ANY: one is enough
 * @param weekStart first day of a weekly period
 */
public record StreakSettings(boolean enabled, Frequency frequency, Map<String, Double> metrics, Mode mode,
                             DayOfWeek weekStart, FreezePolicy freezes) {

    public enum Mode { ALL, ANY }

    /** These rules under another frequency (to walk a run kept under an earlier one). */
    public StreakSettings withFrequency(Frequency f) {
        return new StreakSettings(enabled, f, metrics, mode, weekStart, freezes);
    }

    /**
     * Streak freezes: {@code initial} granted when the user's streak is first tracked, {@code autoEarnAmount} more
     * every {@code autoEarnIntervalDays} days (0 = no auto-earn), never more than {@code max} held.
     */
    public record FreezePolicy(boolean enabled, int initial, int autoEarnAmount, int autoEarnIntervalDays, int max) {
        public static FreezePolicy off() {
            return new FreezePolicy(false, 0, 0, 0, 0);
        }

        public boolean autoEarn() {
            return enabled && autoEarnAmount > 0 && autoEarnIntervalDays > 0;
        }
    }

    public static StreakSettings disabled() {
        return new StreakSettings(false, Frequency.DAILY, Map.of(), Mode.ALL, DayOfWeek.MONDAY, FreezePolicy.off());
    }

    public boolean counts(String metricKey) {
        return enabled && metrics.containsKey(metricKey);
    }

    /** Whether a period with these metric sums meets the conditions. */
    public boolean met(Map<String, Double> sums) {
        if (metrics.isEmpty()) {
            return false;
        }
        boolean any = false;
        boolean all = true;
        for (var e : metrics.entrySet()) {
            boolean ok = sums.getOrDefault(e.getKey(), 0.0) >= e.getValue();
            any |= ok;
            all &= ok;
        }
        return mode == Mode.ALL ? all : any;
    }
}
