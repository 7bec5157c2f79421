package io.accolade.domain.streak;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** One streak period: calendar dates {@code start..end} inclusive, in the user's zone. */
public record Period(LocalDate start, LocalDate end) implements Comparable<Period> {

    /** The instant this period ends (the next local midnight; DST-safe). */
    public Instant endInstant(ZoneId zone) {
        return end.plusDays(1).atStartOfDay(zone).toInstant();
    }

    public boolean contains(LocalDate d) {
        return !d.isBefore(start) && !d.isAfter(end);
    }

    @Override
    public int compareTo(Period o) {
        return start.compareTo(o.start);
    }
}
