package io.accolade.domain.streak;

import io.accolade.domain.Rejection;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** How often a streak must be extended: every calendar day, week or month of the user's zone. */
public enum Frequency {
    DAILY, WEEKLY, MONTHLY;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Frequency parse(String s, String field) {
        for (Frequency f : values()) {
            if (f.wire().equals(s)) {
                return f;
            }
        }
        throw Rejection.invalid("'" + field + "' must be one of daily, weekly, monthly");
    }

    /** The period that contains {@code date}. */
    public Period periodOf(LocalDate date, DayOfWeek weekStart) {
        return switch (this) {
            case DAILY -> new Period(date, date);
            case WEEKLY -> {
                LocalDate start = date.with(TemporalAdjusters.previousOrSame(weekStart));
                yield new Period(start, start.plusDays(6));
            }
            case MONTHLY -> new Period(date.withDayOfMonth(1), date.with(TemporalAdjusters.lastDayOfMonth()));
        };
    }

    public Period next(Period p, DayOfWeek weekStart) {
        return periodOf(p.end().plusDays(1), weekStart);
    }

    public Period previous(Period p, DayOfWeek weekStart) {
        return periodOf(p.start().minusDays(1), weekStart);
    }
}
