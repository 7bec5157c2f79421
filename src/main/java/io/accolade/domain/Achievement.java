package io.accolade.domain;

import java.util.List;

/**
 * An achievement definition, shared by both dialects: Trophy reads name/description/badge/trigger/filters, Mobage
 * reads the same key as its {@code achievementId} plus {@link #initialState}, {@link #totalSteps},
 * {@link #repeatable} and the {@link Presentation}.
 *
 * @param totalSteps steps a user needs; for metric and streak triggers it is derived from the threshold
 * @param position   order in lists (definition order)
 */
public record Achievement(
        String id,
        String key,
        String name,
        String description,
        String badgeUrl,
        AchievementStatus status,
        Trigger trigger,
        List<AttributeFilter> userAttributes,
        List<AttributeFilter> eventAttributes,
        ProgressState initialState,
        long totalSteps,
        boolean repeatable,
        Presentation presentation,
        int position,
        long createdAt,
        long updatedAt) {

    public boolean isActive() {
        return status == AchievementStatus.ACTIVE;
    }

    /** Whether a user with these attributes may complete it at all. */
    public boolean accessibleTo(java.util.Map<String, String> userAttributes) {
        return AttributeFilter.allMatch(this.userAttributes, userAttributes);
    }

    public Achievement withPosition(int p) {
        return new Achievement(id, key, name, description, badgeUrl, status, trigger, userAttributes, eventAttributes,
                initialState, totalSteps, repeatable, presentation, p, createdAt, updatedAt);
    }

    public Achievement withTimes(String newId, long created, long updated) {
        return new Achievement(newId, key, name, description, badgeUrl, status, trigger, userAttributes,
                eventAttributes, initialState, totalSteps, repeatable, presentation, position, created, updated);
    }
}
