package io.accolade.http;

import java.nio.charset.StandardCharsets;
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

    /**
     * {@code 2025-01-01T00:00:00Z} or with milliseconds when they are not zero: what {@code Instant.toString} gives.
     * Written by hand for the years 1–9999 because lists write one per record and the JDK's formatter was 2–5% of
     * the server's CPU on the list reads (BENCHMARKS.md, sixth round); other years take the JDK's path.
     */
    public static String iso(long epochMillis) {
        if (!fastIso(epochMillis)) {
            return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.MILLIS).toString();
        }
        byte[] b = new byte[ISO_MAX_LENGTH];
        return new String(b, 0, writeIso(b, 0, epochMillis), StandardCharsets.ISO_8859_1);
    }

    /** The longest {@link #writeIso} writes: {@code 2025-01-01T00:00:00.123Z}. */
    public static final int ISO_MAX_LENGTH = 24;

    /** Whether {@link #writeIso} can write this instant (a four-digit year); {@link #iso} covers all others. */
    public static boolean fastIso(long epochMillis) {
        return epochMillis >= MIN_FAST && epochMillis < MAX_FAST;
    }

    /**
     * Writes what {@link #iso} returns, as ASCII bytes, into {@code b} from {@code at} (room for
     * {@link #ISO_MAX_LENGTH} bytes needed) and returns the offset after it; only where {@link #fastIso} holds. A list
     * body writes its timestamps this way, without a String per record.
     */
    public static int writeIso(byte[] b, int at, long epochMillis) {
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        writeDateTime(b, at, epochMillis);
        int end = at + 19;
        if (millis != 0) {
            b[end] = '.';
            b[end + 1] = (byte) ('0' + millis / 100);
            b[end + 2] = (byte) ('0' + millis / 10 % 10);
            b[end + 3] = (byte) ('0' + millis % 10);
            end += 4;
        }
        b[end] = 'Z';
        return end + 1;
    }

    /** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the range with four-digit years, where the fast paths hold. */
    private static final long MIN_FAST = -62_135_596_800_000L;
    private static final long MAX_FAST = 253_402_300_800_000L;

    /**
     * Writes {@code yyyy-MM-ddTHH:mm:ss} (UTC, second precision) into b[at..at+19). The civil date from the day
     * number is the usual era-based conversion (400-year eras of 146,097 days, years starting in March so that the
     * leap day comes last).
     */
    private static void writeDateTime(byte[] b, int at, long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000L);
        long days = Math.floorDiv(seconds, 86_400L);
        int secOfDay = (int) (seconds - days * 86_400L);
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097L);
        int doe = (int) (z - era * 146_097L);
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);
        two(b, at, year / 100);
        two(b, at + 2, year % 100);
        b[at + 4] = '-';
        two(b, at + 5, month);
        b[at + 7] = '-';
        two(b, at + 8, day);
        b[at + 10] = 'T';
        two(b, at + 11, secOfDay / 3600);
        b[at + 13] = ':';
        two(b, at + 14, secOfDay / 60 % 60);
        b[at + 16] = ':';
        two(b, at + 17, secOfDay % 60);
    }

    private static void two(byte[] b, int at, int v) {
        b[at] = (byte) ('0' + v / 10);
        b[at + 1] = (byte) ('0' + v % 10);
    }

    public static String isoOrNull(Long epochMillis) {
        return epochMillis == null ? null : iso(epochMillis);
    }

    /** Mobage's {@code 2013-07-16T04:57:08}: GMT, no zone designator. */
    public static String mobage(long epochMillis) {
        if (!fastIso(epochMillis)) {
            return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC).format(MOBAGE);
        }
        byte[] b = new byte[19];
        writeDateTime(b, 0, epochMillis);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static final DateTimeFormatter MOBAGE_STRICT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withResolverStyle(ResolverStyle.STRICT);

    /** Mobage's zone-less GMT form exactly (no offset, no fraction, a real date); empty when it is not. */
    public static Optional<Long> parseMobageStrict(String s) {
        // Exactly yyyy-MM-ddTHH:mm:ss: "uuuu" alone also takes signed years like +999999999, whose epoch
        // milliseconds overflow a long (an ArithmeticException, answered 500).
        if (s.length() != 19) {
            return Optional.empty();
        }
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
