package io.accolade.domain.streak;

import java.util.Map;

/**
 * What happened in one period of one user: the sum of each streak metric, whether the conditions were met (and
 * when first), and what the walk decided: a freeze used, the streak length as of this period.
 * "Met" is sticky: a later negative event in the same period does not take an extension back.
 */
public record PeriodRecord(Period period, Map<String, Double> sums, boolean met, Long metAt, boolean usedFreeze,
                           int length) {

    public static PeriodRecord empty(Period p) {
        return new PeriodRecord(p, Map.of(), false, null, false, 0);
    }

    /** This record with one more event's value added. */
    public PeriodRecord plus(String metricKey, double value, StreakSettings settings, long at) {
        var next = new java.util.HashMap<>(sums);
        next.merge(metricKey, value, Double::sum);
        boolean nowMet = met || settings.met(next);
        return new PeriodRecord(period, Map.copyOf(next), nowMet, met ? metAt : (nowMet ? Long.valueOf(at) : null),
                usedFreeze, length);
    }

    PeriodRecord decided(boolean freeze, int len) {
        return new PeriodRecord(period, sums, met, metAt, freeze, len);
    }
}
