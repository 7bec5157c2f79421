package io.accolade.domain;

import io.accolade.domain.streak.Frequency;
import io.accolade.domain.streak.Period;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's metric over time, per day, week or month of the user's zone (Trophy's event summary): for each period
 * from the one holding {@code start} to the one holding {@code end}, the change during it and the total at its end.
 * Weeks start on the app's configured first day of the week, as streak weeks do.
 */
public final class MetricSummary {
    private MetricSummary() {
    }

    /** One event's time (epoch ms) and value. */
    public record Event(long time, double value) {
    }

    /** A period: its first date, the total at its end, the change during it. */
    public record Bucket(LocalDate date, double total, double change) {
    }

    /** Trophy's limit on the range of one summary. */
    public static final int MAX_DAYS = 400;

    public static List<Bucket> buckets(Frequency f, DayOfWeek weekStart, ZoneId zone, LocalDate start, LocalDate end,
                                       double totalBefore, List<Event> events) {
        if (end.isBefore(start)) {
            throw Rejection.unprocessable("'endDate' must not be before 'startDate'");
        }
        if (start.plusDays(MAX_DAYS).isBefore(end)) {
            throw Rejection.unprocessable("the range from 'startDate' to 'endDate' may span at most " + MAX_DAYS + " days");
        }
        List<Bucket> out = new ArrayList<>();
        double total = totalBefore;
        int i = 0;
        List<Event> sorted = events.stream().sorted(java.util.Comparator.comparingLong(Event::time)).toList();
        for (Period p = f.periodOf(start, weekStart); !p.start().isAfter(end); p = f.next(p, weekStart)) {
            long until = p.endInstant(zone).toEpochMilli();
            double change = 0;
            while (i < sorted.size() && sorted.get(i).time() < until) {
                change += sorted.get(i).value();
                i++;
            }
            total += change;
            out.add(new Bucket(p.start(), total, change));
        }
        return out;
    }

    /** The instant the summary's first period starts (events before it make up the opening total). */
    public static Instant firstInstant(Frequency f, DayOfWeek weekStart, ZoneId zone, LocalDate start) {
        return f.periodOf(start, weekStart).start().atStartOfDay(zone).toInstant();
    }
}
