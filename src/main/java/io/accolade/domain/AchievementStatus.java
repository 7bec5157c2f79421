package io.accolade.domain;

import java.util.Locale;

/**
 * Trophy's lifecycle of a definition. INACTIVE: cannot be completed and is not shown by any API. ACTIVE: live.
 * LOCKED: no new completions; shown only to users who already completed it.
 */
public enum AchievementStatus {
    INACTIVE, ACTIVE, LOCKED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AchievementStatus parse(String s, String field) {
        for (AchievementStatus v : values()) {
            if (v.wire().equals(s)) {
                return v;
            }
        }
        throw Rejection.invalid("'" + field + "' must be one of inactive, active, locked");
    }
}
