package io.accolade.domain.streak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The streak rules as timelines with explicit local times. Each test feeds events into period records the way the
 * service does (the event's local date picks its period) and walks the streak at chosen instants.
 */
class StreakWalkTest {
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final ZoneId LA = ZoneId.of("America/Los_Angeles");
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final Duration WINDOW = Duration.ofDays(7);

    /** One user's records and settled state, driven like the service drives them. */
    static final class Timeline {
        final StreakSettings settings;
        final TreeMap<LocalDate, PeriodRecord> records = new TreeMap<>();
        StreakState state;

        Timeline(StreakSettings settings, LocalDate userCreated) {
            this.settings = settings;
            this.state = StreakState.initial(settings, userCreated);
        }

        /** An event of {@code value} on "words" at a local date-time in {@code zone}. */
        Timeline event(String localDateTime, ZoneId zone, double value) {
            ZonedDateTime t = ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), zone);
            Period p = settings.frequency().periodOf(t.toLocalDate(), settings.weekStart());
            PeriodRecord rec = records.getOrDefault(p.start(), PeriodRecord.empty(p));
            records.put(p.start(), rec.plus("words", value, settings, t.toInstant().toEpochMilli()));
            walk(localDateTime, zone);
            return this;
        }

        /** Walks at a local instant and keeps what the service would store. */
        StreakWalk.Current walk(String localDateTime, ZoneId zone) {
            Instant now = ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), zone).toInstant();
            StreakWalk.Result r = StreakWalk.walk(settings, zone, state, records.tailMap(
                    state.settledThrough() == null ? LocalDate.MIN : state.settledThrough(), false), now, WINDOW);
            r.decided().forEach(d -> records.put(d.period().start(), d));
            state = r.settled();
            return r.current();
        }
    }

    static StreakSettings daily(StreakSettings.FreezePolicy freezes) {
        return new StreakSettings(true, Frequency.DAILY, Map.of("words", 1.0), StreakSettings.Mode.ALL,
                DayOfWeek.MONDAY, freezes);
    }

    static final StreakSettings.FreezePolicy NO_FREEZES = StreakSettings.FreezePolicy.off();

    @Test
    void twoEventsAcrossTokyoMidnightMakeAStreakOfTwo() {
        var t = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-04-01"));
        t.event("2025-04-01T23:59", TOKYO, 1);
        assertThat(t.walk("2025-04-01T23:59:30", TOKYO).length()).isEqualTo(1);
        t.event("2025-04-02T00:01", TOKYO, 1);
        var now = t.walk("2025-04-02T00:02", TOKYO);
        assertThat(now.length()).isEqualTo(2);
        assertThat(now.started()).isEqualTo(LocalDate.parse("2025-04-01"));
        assertThat(now.period()).isEqualTo(new Period(LocalDate.parse("2025-04-02"), LocalDate.parse("2025-04-02")));
        assertThat(now.expires()).isEqualTo(LocalDate.parse("2025-04-03"));
    }

    @Test
    void aRecordAheadOfTheClockIsDueAtTheEndOfTheCurrentPeriod() {
        var t = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-04-01"));
        // At 23:58 Tokyo by the server's clock, an event stamped 00:02 on April 2: its record lies ahead of the walk.
        Period second = new Period(LocalDate.parse("2025-04-02"), LocalDate.parse("2025-04-02"));
        t.records.put(second.start(), PeriodRecord.empty(second).plus("words", 1, t.settings,
                Instant.parse("2025-04-01T15:02:00Z").toEpochMilli()));
        Instant now = Instant.parse("2025-04-01T14:58:00Z");
        StreakWalk.Result r = StreakWalk.walk(t.settings, TOKYO, t.state, t.records, now, WINDOW);
        assertThat(r.current().length()).isZero();
        assertThat(r.nextCheckAt()).as("Tokyo's midnight, when April 2 is decided")
                .isEqualTo(Instant.parse("2025-04-01T15:00:00Z"));
        assertThat(StreakWalk.walk(t.settings, TOKYO, t.state, t.records, Instant.parse("2025-04-01T15:03:00Z"),
                WINDOW).current().length()).isEqualTo(1);
    }

    @Test
    void aSecondEventTheSameDayDoesNotExtend() {
        var t = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-04-01"));
        t.event("2025-04-01T08:00", LONDON, 1).event("2025-04-01T20:00", LONDON, 5);
        assertThat(t.walk("2025-04-01T21:00", LONDON).length()).isEqualTo(1);
    }

    @Test
    void aMissedDayLosesTheStreakAtTheUsersMidnightWithoutAnyRequest() {
        var t = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-04-01"));
        t.event("2025-04-01T10:00", LONDON, 1).event("2025-04-02T10:00", LONDON, 1);
        // All of 3 April passes without an event: still 2 during the 3rd, 0 from the 4th.
        assertThat(t.walk("2025-04-03T23:59", LONDON).length()).isEqualTo(2);
        var after = t.walk("2025-04-04T00:00:01", LONDON);
        assertThat(after.length()).isZero();
        assertThat(after.started()).isNull();
        assertThat(after.expires()).isNull();
        assertThat(after.longest()).isEqualTo(2);
        // A new event starts over at 1.
        t.event("2025-04-04T09:00", LONDON, 1);
        assertThat(t.walk("2025-04-04T09:01", LONDON).length()).isEqualTo(1);
    }

    @Test
    void aHeldFreezeIsConsumedAtMidnightAndKeepsTheStreak() {
        var freezes = new StreakSettings.FreezePolicy(true, 1, 0, 0, 3);
        var t = new Timeline(daily(freezes), LocalDate.parse("2025-04-01"));
        t.event("2025-04-01T10:00", LONDON, 1).event("2025-04-02T10:00", LONDON, 1);
        assertThat(t.walk("2025-04-03T12:00", LONDON).freezes()).isEqualTo(1);
        var afterMidnight = t.walk("2025-04-04T00:05", LONDON);
        assertThat(afterMidnight.length()).isEqualTo(2);
        assertThat(afterMidnight.freezes()).isZero();
        assertThat(t.records.get(LocalDate.parse("2025-04-03")).usedFreeze()).isTrue();
        // Next day extends to 3; missing the day after loses it (no freeze left).
        t.event("2025-04-04T10:00", LONDON, 1);
        assertThat(t.walk("2025-04-04T10:01", LONDON).length()).isEqualTo(3);
        assertThat(t.walk("2025-04-06T00:01", LONDON).length()).isZero();
    }

    @Test
    void freezesAreEarnedEveryIntervalUpToTheMaximum() {
        var freezes = new StreakSettings.FreezePolicy(true, 0, 1, 7, 2);
        var t = new Timeline(daily(freezes), LocalDate.parse("2025-04-01"));
        assertThat(t.walk("2025-04-07T12:00", LONDON).freezes()).isZero();
        assertThat(t.walk("2025-04-08T00:01", LONDON).freezes()).isEqualTo(1);
        assertThat(t.walk("2025-04-15T00:01", LONDON).freezes()).isEqualTo(2);
        assertThat(t.walk("2025-04-30T00:01", LONDON).freezes()).isEqualTo(2);
    }

    @Test
    void aLateEventRepairsTheGapItBelongsTo() {
        var t = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-04-01"));
        t.event("2025-04-01T10:00", LONDON, 1);
        t.event("2025-04-03T10:00", LONDON, 1);
        assertThat(t.walk("2025-04-03T10:01", LONDON).length()).isEqualTo(1);
        // The app back-fills an event that happened on the 2nd (received on the 3rd).
        Period second = new Period(LocalDate.parse("2025-04-02"), LocalDate.parse("2025-04-02"));
        t.records.put(second.start(), PeriodRecord.empty(second).plus("words", 1, t.settings,
                Instant.parse("2025-04-02T10:00:00Z").toEpochMilli()));
        var repaired = t.walk("2025-04-03T10:02", LONDON);
        assertThat(repaired.length()).isEqualTo(3);
        assertThat(repaired.started()).isEqualTo(LocalDate.parse("2025-04-01"));
    }

    @Test
    void dailyStreakSurvivesBothDstChangesInLondon() {
        var t = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-03-28"));
        // Clocks go forward on 30 March and back on 26 October; every local day still counts once.
        for (LocalDate d = LocalDate.parse("2025-03-28"); d.isBefore(LocalDate.parse("2025-04-03")); d = d.plusDays(1)) {
            t.event(d + "T00:30", LONDON, 1);
        }
        assertThat(t.walk("2025-04-02T23:59", LONDON).length()).isEqualTo(6);
        var autumn = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-10-24"));
        for (LocalDate d = LocalDate.parse("2025-10-24"); d.isBefore(LocalDate.parse("2025-10-29")); d = d.plusDays(1)) {
            autumn.event(d + "T23:30", LONDON, 1);
        }
        assertThat(autumn.walk("2025-10-28T23:45", LONDON).length()).isEqualTo(5);
        // The 25-hour day (26 Oct) ends at its own local midnight.
        assertThat(autumn.walk("2025-10-30T00:00:01", LONDON).length()).isZero();
    }

    @Test
    void weeklyStreakUsesCalendarWeeksStartingOnTheConfiguredDay() {
        var settings = new StreakSettings(true, Frequency.WEEKLY, Map.of("words", 10.0), StreakSettings.Mode.ALL,
                DayOfWeek.SUNDAY, NO_FREEZES);
        var t = new Timeline(settings, LocalDate.parse("2025-03-30"));
        t.event("2025-03-30T09:00", LONDON, 4).event("2025-04-05T22:00", LONDON, 6);   // Sun..Sat: 10 → met
        var w1 = t.walk("2025-04-05T22:01", LONDON);
        assertThat(w1.length()).isEqualTo(1);
        assertThat(w1.period()).isEqualTo(new Period(LocalDate.parse("2025-03-30"), LocalDate.parse("2025-04-05")));
        assertThat(w1.expires()).isEqualTo(LocalDate.parse("2025-04-12"));
        t.event("2025-04-09T12:00", LONDON, 10);
        assertThat(t.walk("2025-04-12T23:00", LONDON).length()).isEqualTo(2);
        // A week with only 9 does not count: lost when it ends.
        t.event("2025-04-14T12:00", LONDON, 9);
        assertThat(t.walk("2025-04-19T23:59", LONDON).length()).isEqualTo(2);
        assertThat(t.walk("2025-04-20T00:00:01", LONDON).length()).isZero();
    }

    @Test
    void monthlyStreakCountsCalendarMonthsOfDifferentLengths() {
        var settings = new StreakSettings(true, Frequency.MONTHLY, Map.of("words", 1.0), StreakSettings.Mode.ALL,
                DayOfWeek.MONDAY, NO_FREEZES);
        var t = new Timeline(settings, LocalDate.parse("2025-01-01"));
        t.event("2025-01-31T23:00", TOKYO, 1).event("2025-02-28T23:00", TOKYO, 1).event("2025-03-01T00:10", TOKYO, 1);
        var march = t.walk("2025-03-15T12:00", TOKYO);
        assertThat(march.length()).isEqualTo(3);
        assertThat(march.period()).isEqualTo(new Period(LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-31")));
        assertThat(march.expires()).isEqualTo(LocalDate.parse("2025-04-30"));
        assertThat(t.walk("2025-05-01T00:00:01", TOKYO).length()).isZero();
    }

    @Test
    void aUserMovingFromTokyoToLosAngelesKeepsCountingLocalDays() {
        var t = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-06-01"));
        t.event("2025-06-01T20:00", TOKYO, 1);
        t.event("2025-06-02T20:00", TOKYO, 1);
        // Flies to Los Angeles; the next event is the morning of 2 June local time there (same local day).
        t.event("2025-06-02T09:00", LA, 1);
        assertThat(t.walk("2025-06-02T09:01", LA).length()).isEqualTo(2);
        t.event("2025-06-03T09:00", LA, 1);
        assertThat(t.walk("2025-06-03T09:01", LA).length()).isEqualTo(3);
        assertThat(t.walk("2025-06-04T23:59", LA).length()).isEqualTo(3);
        assertThat(t.walk("2025-06-05T00:00:01", LA).length()).isZero();
    }

    @Test
    void anyModeNeedsOneMetricAndAllModeNeedsEvery() {
        var all = new StreakSettings(true, Frequency.DAILY, Map.of("words", 1.0, "lessons", 1.0),
                StreakSettings.Mode.ALL, DayOfWeek.MONDAY, NO_FREEZES);
        var any = new StreakSettings(true, Frequency.DAILY, Map.of("words", 1.0, "lessons", 1.0),
                StreakSettings.Mode.ANY, DayOfWeek.MONDAY, NO_FREEZES);
        assertThat(all.met(Map.of("words", 3.0))).isFalse();
        assertThat(all.met(Map.of("words", 3.0, "lessons", 1.0))).isTrue();
        assertThat(any.met(Map.of("words", 3.0))).isTrue();
        assertThat(any.met(Map.of("words", 0.5))).isFalse();
    }

    @Test
    void settledStateKeepsTheWalkShortAndTheResultTheSame() {
        var t = new Timeline(daily(NO_FREEZES), LocalDate.parse("2025-01-01"));
        for (LocalDate d = LocalDate.parse("2025-01-01"); d.isBefore(LocalDate.parse("2025-02-20")); d = d.plusDays(1)) {
            t.event(d + "T12:00", LONDON, 1);
        }
        assertThat(t.state.settledThrough()).isAfter(LocalDate.parse("2025-02-01"));
        assertThat(t.walk("2025-02-19T13:00", LONDON).length()).isEqualTo(50);
        assertThat(t.walk("2025-02-19T13:00", LONDON).longest()).isEqualTo(50);
    }

    @Test
    void operatorGrantsApplyFromTheirDate() {
        var freezes = new StreakSettings.FreezePolicy(true, 0, 0, 0, 5);
        var t = new Timeline(daily(freezes), LocalDate.parse("2025-04-01"));
        t.event("2025-04-01T10:00", LONDON, 1);
        t.state = t.state.withGrant(new StreakState.Grant(LocalDate.parse("2025-04-02"), 1));
        var c = t.walk("2025-04-03T00:01", LONDON);   // the 2nd was missed: the granted freeze covers it
        assertThat(c.length()).isEqualTo(1);
        assertThat(c.freezes()).isZero();
    }
}
