package io.accolade.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accolade.domain.streak.Frequency;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event summary as a timeline in Tokyo: buckets by local date, running totals, changes. */
class MetricSummaryTest {
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    static MetricSummary.Event at(String local, double value) {
        return new MetricSummary.Event(ZonedDateTime.of(java.time.LocalDateTime.parse(local), TOKYO).toInstant()
                .toEpochMilli(), value);
    }

    @Test
    void dailyBucketsFollowTheUsersMidnightAndCarryTheTotal() {
        var events = List.of(at("2025-03-01T23:59", 5), at("2025-03-02T00:01", 2), at("2025-03-03T12:00", -1));
        var b = MetricSummary.buckets(Frequency.DAILY, DayOfWeek.MONDAY, TOKYO, LocalDate.parse("2025-03-01"),
                LocalDate.parse("2025-03-04"), 10, events);
        assertThat(b).extracting(MetricSummary.Bucket::date).map(LocalDate::toString)
                .containsExactly("2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04");
        assertThat(b).extracting(MetricSummary.Bucket::change).containsExactly(5.0, 2.0, -1.0, 0.0);
        assertThat(b).extracting(MetricSummary.Bucket::total).containsExactly(15.0, 17.0, 16.0, 16.0);
    }

    @Test
    void weeklyAndMonthlyBucketsStartOnThePeriodsFirstDay() {
        var events = List.of(at("2025-03-04T10:00", 3), at("2025-03-12T10:00", 4), at("2025-04-01T00:30", 1));
        var weeks = MetricSummary.buckets(Frequency.WEEKLY, DayOfWeek.MONDAY, TOKYO, LocalDate.parse("2025-03-05"),
                LocalDate.parse("2025-03-12"), 0, events);
        assertThat(weeks).extracting(x -> x.date().toString()).containsExactly("2025-03-03", "2025-03-10");
        assertThat(weeks).extracting(MetricSummary.Bucket::total).containsExactly(3.0, 7.0);
        var months = MetricSummary.buckets(Frequency.MONTHLY, DayOfWeek.MONDAY, TOKYO, LocalDate.parse("2025-03-15"),
                LocalDate.parse("2025-04-02"), 0, events);
        assertThat(months).extracting(x -> x.date().toString()).containsExactly("2025-03-01", "2025-04-01");
        assertThat(months).extracting(MetricSummary.Bucket::change).containsExactly(7.0, 1.0);
    }

    @Test
    void rangesAreChecked() {
        assertThatThrownBy(() -> MetricSummary.buckets(Frequency.DAILY, DayOfWeek.MONDAY, TOKYO,
                LocalDate.parse("2025-03-02"), LocalDate.parse("2025-03-01"), 0, List.of()))
                .hasMessageContaining("endDate");
        assertThatThrownBy(() -> MetricSummary.buckets(Frequency.DAILY, DayOfWeek.MONDAY, TOKYO,
                LocalDate.parse("2024-01-01"), LocalDate.parse("2025-03-01"), 0, List.of()))
                .hasMessageContaining("400 days");
    }
}
