package io.accolade.domain.streak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ranking from one read of an app's lengths, at instants after the read. */
class StreakRanksTest {
    static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void countsTheStoredStreaksLongerThanTheOneRanked() {
        // Stored: three streaks of 2 days, one of 5, two of 9 (counts per length may come split, as slots are).
        StreakRanks r = StreakRanks.of(Map.of(2, 3L, 5, 1L, 9, 2L), List.of(), at("2026-03-01T12:00:00Z"));
        long now = at("2026-03-01T10:00:00Z");

        assertThat(r.countLonger(1, now)).isEqualTo(6);
        assertThat(r.countLonger(2, now)).isEqualTo(3);   // ties with the 2-day streaks share a rank
        assertThat(r.countLonger(4, now)).isEqualTo(3);   // a length nobody has
        assertThat(r.countLonger(5, now)).isEqualTo(2);
        assertThat(r.countLonger(9, now)).isEqualTo(0);
        assertThat(r.countLonger(40, now)).isEqualTo(0);
    }

    @Test
    void aStreakThatEndsAfterTheReadStopsCountingAtItsOwnEnd() {
        // Read at 10:00:00 for up to a second later. The 9-day streak ends at 10:00:00.500 and the scheduler has not
        // stored the loss yet; another, of 5 days, ended at 09:59 and is still stored too.
        StreakRanks r = StreakRanks.of(Map.of(2, 3L, 5, 1L, 9, 2L),
                List.of(new StreakRanks.Ending(9, at("2026-03-01T10:00:00.500Z")),
                        new StreakRanks.Ending(5, at("2026-03-01T09:59:00Z"))),
                at("2026-03-01T10:00:01Z"));

        // at 10:00:00.200 the 9-day streak is alive: longer than 4 are the two 9s (the 5 has ended)
        assertThat(r.countLonger(4, at("2026-03-01T10:00:00.200Z"))).isEqualTo(2);
        // at 10:00:00.500 it has ended: only the other 9 is left
        assertThat(r.countLonger(4, at("2026-03-01T10:00:00.500Z"))).isEqualTo(1);
        // at 10:00:00.900 both ended streaks are out of the six stored ones longer than 1
        assertThat(r.countLonger(1, at("2026-03-01T10:00:00.900Z"))).isEqualTo(6 - 2);
        assertThat(r.countLonger(9, at("2026-03-01T10:00:00.900Z"))).isEqualTo(0);
    }

    @Test
    void refusesAnInstantAfterWhatTheReadCovers() {
        StreakRanks r = StreakRanks.of(Map.of(3, 1L), List.of(), at("2026-03-01T10:00:01Z"));

        assertThat(r.covers(at("2026-03-01T10:00:01Z"))).isTrue();
        assertThat(r.covers(at("2026-03-01T10:00:01.001Z"))).isFalse();
        assertThatThrownBy(() -> r.countLonger(1, at("2026-03-02T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ignoresEmptyLengthsAndZeroCounts() {
        // Slots of a length can sum to 0 once every streak of that length has moved on.
        StreakRanks r = StreakRanks.of(Map.of(0, 7L, 3, 0L, 4, 2L), List.of(), at("2026-03-01T10:00:01Z"));

        assertThat(r.countLonger(0, at("2026-03-01T10:00:00Z"))).isEqualTo(2);
        assertThat(r.countLonger(3, at("2026-03-01T10:00:00Z"))).isEqualTo(2);
    }
}
