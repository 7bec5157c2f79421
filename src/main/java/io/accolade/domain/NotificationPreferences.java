package io.accolade.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which channels a user wants each kind of notification on (Trophy's preferences). A kind that is absent is "not set
 * yet, use your default"; an empty list turns that kind off. Accolade stores them for the app; it sends nothing itself.
 */
public record NotificationPreferences(Map<String, List<String>> channels) {
    public static final Set<String> TYPES = Set.of("achievement_completed", "recap", "reactivation", "streak_reminder");
    public static final Set<String> CHANNELS = Set.of("email", "push");

    public static NotificationPreferences none() {
        return new NotificationPreferences(Map.of());
    }

    /** These preferences with the given kinds replaced (kinds not given, or given as null, stay as they are). */
    public NotificationPreferences with(Map<String, List<String>> changes) {
        Map<String, List<String>> next = new TreeMap<>(channels);
        changes.forEach((type, list) -> {
            if (!TYPES.contains(type)) {
                throw Rejection.unprocessable("'notifications." + Ids.abbreviate(type) + "' is not a notification type; "
                        + "use one of achievement_completed, recap, reactivation, streak_reminder");
            }
            if (list == null) {
                return;     // sent as null: left as it is
            }
            for (String ch : list) {
                if (!CHANNELS.contains(ch)) {
                    throw Rejection.unprocessable("'notifications." + type + "' holds '" + Ids.abbreviate(ch)
                            + "'; channels are email and push");
                }
            }
            next.put(type, List.copyOf(new java.util.LinkedHashSet<>(list)));
        });
        return new NotificationPreferences(new LinkedHashMap<>(next));
    }
}
