package io.accolade.api.mobage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.domain.Achievement;
import io.accolade.domain.Presentation;
import io.accolade.domain.Progress;
import io.accolade.http.Fields;
import io.accolade.http.Json;
import io.accolade.http.Times;
import io.accolade.service.MobageService.Page;
import io.accolade.service.MobageService.UserAchievement;
import java.util.List;
import java.util.function.Function;

/**
 * The JSON shapes of Mobage's User Achievement and Achievement resources and of its collection envelope. Times are
 * GMT without a zone designator. Translation only: no rule of the engine lives here.
 */
final class MobageJson {
    private MobageJson() {
    }

    /** Every field of a User Achievement, in the seed's order. */
    static final List<String> USER_ACHIEVEMENT_FIELDS = List.of("userId", "appId", "achievementId", "state", "steps",
            "numOfUnlocked", "published", "updated");

    /** What a read shows when {@code fields} is not given (the seed). */
    static final List<String> DEFAULT_USER_ACHIEVEMENT_FIELDS = List.of("userId", "achievementId", "state");

    /** Every field of an Achievement (definition), in the order of Mobage's documentation. */
    static final List<String> ACHIEVEMENT_FIELDS = List.of("appId", "id", "name", "revealedDescription",
            "unlockedDescription", "type", "totalSteps", "stepFormat", "point", "repeatable", "disclosed",
            "defaultState", "revealedIconUrls", "unlockedIconUrls", "published", "updated");

    static ObjectNode userAchievement(String appId, UserAchievement u, List<String> fields) {
        Progress p = u.progress();
        ObjectNode n = Fields.object();
        for (String f : fields) {
            switch (f) {
                case "userId" -> n.put(f, u.userId());
                case "appId" -> n.put(f, appId);
                case "achievementId" -> n.put(f, p.achievementKey());
                case "state" -> n.put(f, p.state().name());
                case "steps" -> n.put(f, p.steps());
                case "numOfUnlocked" -> n.put(f, p.unlockCount());
                case "published" -> n.put(f, Times.mobage(p.createdAt()));
                case "updated" -> n.put(f, Times.mobage(p.updatedAt()));
                default -> throw new IllegalArgumentException("unknown User Achievement field " + f);
            }
        }
        return n;
    }

    /**
     * An Achievement as Mobage shows it. Fields the definition leaves empty fall back to the shared ones: both
     * descriptions to {@code description}, the icons to {@code badgeUrl}; {@code type} to standard/incremental.
     */
    static ObjectNode achievement(String appId, Achievement a, List<String> fields) {
        Presentation p = a.presentation();
        ObjectNode n = Fields.object();
        for (String f : fields) {
            switch (f) {
                case "appId" -> n.put(f, appId);
                case "id" -> n.put(f, a.key());
                case "name" -> n.put(f, a.name());
                case "revealedDescription" -> n.put(f, orElse(p.revealedDescription(), a.description()));
                case "unlockedDescription" -> n.put(f, orElse(p.unlockedDescription(), a.description()));
                case "type" -> n.put(f, p.type() != null ? p.type() : a.totalSteps() > 1 ? "incremental" : "standard");
                case "totalSteps" -> n.put(f, a.totalSteps());
                case "stepFormat" -> n.put(f, p.stepFormat());
                case "point" -> {
                    if (p.point() == null) {
                        n.putNull(f);
                    } else {
                        n.put(f, p.point());
                    }
                }
                case "repeatable" -> n.put(f, a.repeatable());
                case "disclosed" -> n.put(f, p.disclosed());
                case "defaultState" -> n.put(f, a.initialState().name());
                case "revealedIconUrls" -> n.set(f, icons(p.revealedIconUrls(), a.badgeUrl()));
                case "unlockedIconUrls" -> n.set(f, icons(p.unlockedIconUrls(), a.badgeUrl()));
                case "published" -> n.put(f, Times.mobage(a.createdAt()));
                case "updated" -> n.put(f, Times.mobage(a.updatedAt()));
                default -> throw new IllegalArgumentException("unknown Achievement field " + f);
            }
        }
        return n;
    }

    /**
     * The collection envelope. {@code flags}: also say whether a filter, a sort and updatedSince took effect (the
     * seed shows them on the collection and friends forms).
     */
    static <T> ObjectNode envelope(Page<T> page, Function<T, ObjectNode> entry, boolean flags) {
        ObjectNode n = Fields.object();
        ArrayNode entries = n.putArray("entry");
        page.entries().forEach(e -> entries.add(entry.apply(e)));
        n.put("startIndex", page.startIndex());
        n.put("itemsPerPage", page.entries().size());
        n.put("totalResults", page.totalResults());
        if (flags) {
            n.put("filtered", page.filtered());
            n.put("sorted", page.sorted());
            n.put("updatedSince", page.updatedSince());
        }
        return n;
    }

    private static ArrayNode icons(List<Presentation.Icon> icons, String badgeUrl) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (icons.isEmpty() && badgeUrl != null) {
            out.addObject().put("type", "default").put("value", badgeUrl).put("primary", true);
        }
        icons.forEach(i -> out.addObject().put("type", i.type()).put("value", i.value()).put("primary", i.primary()));
        return out;
    }

    private static String orElse(String value, String fallback) {
        return value != null && !value.isEmpty() ? value : fallback;
    }
}
