package io.accolade.domain;

import java.util.List;

/**
 * How an achievement looks in Mobage's definition resource. Pure presentation: no rule of the engine reads it.
 * {@code type} is Mobage's kind of achievement ("standard" or "incremental" when unset, derived from totalSteps).
 */
public record Presentation(String revealedDescription, String unlockedDescription, String type, String stepFormat,
                           Integer point, boolean disclosed, List<Icon> revealedIconUrls,
                           List<Icon> unlockedIconUrls) {

    /** An icon URL of one look (REVEALED or UNLOCKED); {@code type} is the image kind, e.g. "default". */
    public record Icon(String type, String value, boolean primary) {
    }

    public static Presentation none() {
        return new Presentation(null, null, null, null, null, true, List.of(), List.of());
    }
}
