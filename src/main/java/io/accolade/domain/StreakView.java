package io.accolade.domain;

import java.time.LocalDate;

/**
 * A user's streak as the APIs show it. Dates are calendar dates in the user's zone; all four are null when there is
 * no streak. {@code freezes}/{@code maxFreezes} are null when the app has freezes disabled, the auto-earn pair when
 * auto-earn is disabled.
 *
 * @param extended     true only in the response of the event that first met the current period's conditions
 * @param lastExtendedAt when the streak was last extended (epoch ms), null if not active
 */
public record StreakView(int length, String frequency, LocalDate started, LocalDate periodStart,
                         LocalDate periodEnd, LocalDate expires, boolean extended, Integer freezes,
                         Integer maxFreezes, Integer freezeAutoEarnInterval, Integer freezeAutoEarnAmount,
                         int longest, Long lastExtendedAt) {

    public static StreakView none(String frequency) {
        return new StreakView(0, frequency, null, null, null, null, false, null, null, null, null, 0, null);
    }

    public StreakView asExtended(boolean e) {
        return new StreakView(length, frequency, started, periodStart, periodEnd, expires, e, freezes, maxFreezes,
                freezeAutoEarnInterval, freezeAutoEarnAmount, longest, lastExtendedAt);
    }
}
