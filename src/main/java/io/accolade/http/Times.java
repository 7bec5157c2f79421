package io.accolade.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** The wire formats of time: ISO-8601 UTC for Trophy and admin, zone-less GMT seconds for Mobage. */
public final class Times {
    private Times() {
    }

    private static final DateTimeFormatter MOBAGE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** {@code 2025-01-01T00:00:00Z} or with milliseconds when they are not zero. */
    public static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    public static String isoOrNull(Long epochMillis) {
        return epochMillis == null ? null : iso(epochMillis);
    }

    /** Mobage's {@code 2013-07-16T04:57:08}: GMT, no zone designator. */
    public static String mobage(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC).format(MOBAGE);
    }

    private static final DateTimeFormatter MOBAGE_STRICT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withResolverStyle(ResolverStyle.STRICT);

    /** Mobage's zone-less GMT form exactly (no offset, no fraction, a real date); empty when it is not. */
    public static Optional<Long> parseMobageStrict(String s) {
        try {
            return Optional.of(LocalDateTime.parse(s, MOBAGE_STRICT).toInstant(ZoneOffset.UTC).toEpochMilli());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Parses Mobage's zone-less GMT form (also accepts a trailing Z or offset). */
    public static long parseMobage(String s) {
        try {
            return LocalDateTime.parse(s, MOBAGE).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(s).toInstant().toEpochMilli();
        }
    }
}
