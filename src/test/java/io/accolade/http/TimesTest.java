package io.accolade.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written formatters give exactly what the JDK's formatters give, inside the fast range and outside it. */
class TimesTest {
    private static String jdkIso(long ms) {
        return Instant.ofEpochMilli(ms).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String jdkMobage(long ms) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
    }

    private static List<Long> edges() {
        List<Long> out = new ArrayList<>();
        for (String s : List.of("0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z",
                "2000-02-29T12:34:56.780Z", "2024-02-29T23:59:59.001Z", "2024-03-01T00:00:00Z", "2100-02-28T00:00:00Z",
                "2100-03-01T00:00:00.100Z", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z",
                "0000-12-31T23:59:59Z", "-0001-06-15T10:00:00.5Z")) {
            long ms = Instant.parse(s).toEpochMilli();
            out.add(ms);
            out.add(ms - 1);
            out.add(ms + 1);
        }
        return out;
    }

    @Test
    void isoIsInstantToStringAtTheEdgesOfYearsMonthsAndTheFastRange() {
        for (long ms : edges()) {
            assertThat(Times.iso(ms)).as("%d", ms).isEqualTo(jdkIso(ms));
        }
        assertThat(Times.iso(0)).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(Times.iso(1_700_000_000_120L)).isEqualTo("2023-11-14T22:13:20.120Z");
    }

    @Test
    void isoIsInstantToStringForAMillionRandomInstants() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            // Mostly the years a service sees, some anywhere from year -2000 to 12000.
            long ms = i % 4 == 0 ? r.nextLong(-125_000_000_000_000L, 316_000_000_000_000L)
                    : r.nextLong(0, 4_102_444_800_000L);
            if (i % 3 == 0) {
                ms -= Math.floorMod(ms, 1000L); // whole seconds: no fraction
            }
            String got = Times.iso(ms);
            if (!got.equals(jdkIso(ms))) {
                assertThat(got).as("%d", ms).isEqualTo(jdkIso(ms));
            }
        }
    }

    @Test
    void writeIsoWritesTheSameBytesInsideABufferAndTouchesNothingAround() {
        for (long ms : edges()) {
            if (!Times.fastIso(ms)) {
                continue;
            }
            byte[] b = new byte[7 + Times.ISO_MAX_LENGTH + 5];
            java.util.Arrays.fill(b, (byte) '#');
            int end = Times.writeIso(b, 7, ms);
            String expected = jdkIso(ms);
            assertThat(new String(b, 7, end - 7, java.nio.charset.StandardCharsets.US_ASCII)).as("%d", ms)
                    .isEqualTo(expected);
            assertThat(end - 7).isEqualTo(expected.length());
            for (int i = 0; i < b.length; i++) {
                if (i < 7 || i >= end) {
                    assertThat(b[i]).as("byte %d for %d", i, ms).isEqualTo((byte) '#');
                }
            }
        }
    }

    @Test
    void mobageIsTheJdkPatternForEdgesAndRandomInstants() {
        for (long ms : edges()) {
            assertThat(Times.mobage(ms)).as("%d", ms).isEqualTo(jdkMobage(ms));
        }
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 300_000; i++) {
            long ms = r.nextLong(-70_000_000_000_000L, 260_000_000_000_000L);
            String got = Times.mobage(ms);
            if (!got.equals(jdkMobage(ms))) {
                assertThat(got).as("%d", ms).isEqualTo(jdkMobage(ms));
            }
        }
        assertThat(Times.mobage(1_373_950_628_000L)).isEqualTo("2013-07-16T04:57:08");
    }
}
