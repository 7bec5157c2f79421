package io.accolade.domain;

/**
 * A rule of the domain refused an input. The kind says why in dialect-neutral terms; each API dialect maps it to
 * its own status code (Mobage answers a forbidden state change with 409, Trophy's SDK would retry a 409, so the
 * Trophy dialect answers 422).
 */
public final class Rejection extends RuntimeException {
    public enum Kind {
        /** The input is malformed or out of range. */
        INVALID,
        /** Something the input names does not exist. */
        NOT_FOUND,
        /** The resource exists but its current state does not allow this change. */
        CONFLICT,
        /** Well-formed but not processable (e.g. completing a non-api achievement). */
        UNPROCESSABLE,
        /** The caller may not do this. */
        FORBIDDEN
    }

    private final Kind kind;

    public Rejection(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static Rejection invalid(String message) {
        return new Rejection(Kind.INVALID, message);
    }

    public static Rejection notFound(String message) {
        return new Rejection(Kind.NOT_FOUND, message);
    }

    public static Rejection conflict(String message) {
        return new Rejection(Kind.CONFLICT, message);
    }

    public static Rejection unprocessable(String message) {
        return new Rejection(Kind.UNPROCESSABLE, message);
    }

    public static Rejection forbidden(String message) {
        return new Rejection(Kind.FORBIDDEN, message);
    }

    /** The words Trophy documents for its 404s, with the id the client sent (shortened, printable). */
    public static Rejection userNotFound(String userId) {
        return notFound("User Not Found: '" + Ids.abbreviate(userId) + "'");
    }

    public static Rejection achievementNotFound(String key) {
        return notFound("Achievement Not Found: '" + Ids.abbreviate(key) + "'");
    }

    public static Rejection metricNotFound(String key) {
        return notFound("Metric Not Found: '" + Ids.abbreviate(key) + "'");
    }
}
