package io.accolade.domain;

/** A user's state on one achievement (Mobage's names; Trophy's "completed" is UNLOCKED). */
public enum ProgressState {
    /** The user does not see that the achievement exists. */
    HIDDEN,
    /** Visible, not achieved yet. */
    REVEALED,
    /** Achieved (at least once). */
    UNLOCKED;

    public static ProgressState parse(String s, String field) {
        for (ProgressState p : values()) {
            if (p.name().equals(s)) {
                return p;
            }
        }
        throw Rejection.invalid("'" + field + "' must be one of HIDDEN, REVEALED, UNLOCKED");
    }
}
