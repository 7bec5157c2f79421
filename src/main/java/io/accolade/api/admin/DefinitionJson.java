package io.accolade.api.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementStatus;
import io.accolade.domain.AttributeFilter;
import io.accolade.domain.Ids;
import io.accolade.domain.Metric;
import io.accolade.domain.Presentation;
import io.accolade.domain.ProgressState;
import io.accolade.domain.Rejection;
import io.accolade.domain.Trigger;
import io.accolade.http.Fields;
import io.accolade.http.Json;
import io.accolade.http.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The admin API's JSON form of definitions (also the import/export document). Parsing checks each field on its own
 * and names it on error; rules that need the whole set (known metric, prerequisite cycles) are checked by the
 * service.
 */
final class DefinitionJson {
    private DefinitionJson() {
    }

    static final Set<String> METRIC_FIELDS = Set.of("key", "id", "name", "units", "status", "createdAt", "updatedAt");

    static final Set<String> ACHIEVEMENT_FIELDS = Set.of("key", "id", "name", "description", "badgeUrl", "status",
            "trigger", "metricKey", "metricValue", "streakLength", "prerequisites", "userAttributes",
            "eventAttributes", "initialState", "totalSteps", "repeatable", "revealedDescription",
            "unlockedDescription", "type", "stepFormat", "point", "disclosed", "revealedIconUrls",
            "unlockedIconUrls", "createdAt", "updatedAt");

    static Metric metric(String key, Fields f) {
        f.only(METRIC_FIELDS);
        f.optionalString("key").ifPresent(k -> {
            if (!k.equals(key)) {
                throw Rejection.invalid("'" + f.name("key") + "' does not match the key in the path");
            }
        });
        String name = f.optionalString("name").orElse(key);
        if (name.isBlank() || name.length() > 200) {
            throw Rejection.invalid("'" + f.name("name") + "' must be 1-200 characters");
        }
        String status = f.optionalString("status").orElse("active");
        if (!status.equals("active") && !status.equals("archived")) {
            throw Rejection.invalid("'" + f.name("status") + "' must be active or archived");
        }
        String units = f.optionalString("units").orElse(null);
        if (units != null && units.length() > 50) {
            throw Rejection.invalid("'" + f.name("units") + "' must be at most 50 characters");
        }
        return new Metric(null, key, name, units, status.equals("archived"), 0, 0);
    }

    static ObjectNode metric(Metric m) {
        ObjectNode n = Fields.object();
        n.put("key", m.key());
        n.put("id", m.id());
        n.put("name", m.name());
        n.put("units", m.units());
        n.put("status", m.status());
        n.put("createdAt", Times.iso(m.createdAt()));
        n.put("updatedAt", Times.iso(m.updatedAt()));
        return n;
    }

    /** A draft achievement (no id, times or position yet: position -1 keeps the stored one). */
    static Achievement achievement(String key, Fields f) {
        f.only(ACHIEVEMENT_FIELDS);
        f.optionalString("key").ifPresent(k -> {
            if (!k.equals(key)) {
                throw Rejection.invalid("'" + f.name("key") + "' does not match the key in the path");
            }
        });
        String name = f.optionalString("name").orElseThrow(() -> Rejection.invalid("'" + f.name("name")
                + "' is required"));
        if (name.isBlank() || name.length() > 200) {
            throw Rejection.invalid("'" + f.name("name") + "' must be 1-200 characters");
        }
        String description = f.optionalString("description").filter(s -> !s.isEmpty()).orElse(null);
        String badgeUrl = url(f, "badgeUrl");
        AchievementStatus status = AchievementStatus.parse(f.optionalString("status").orElse("active"),
                f.name("status"));
        String type = f.optionalString("trigger").orElseThrow(() -> Rejection.invalid("'" + f.name("trigger")
                + "' is required: metric, streak, api or achievement"));
        Trigger trigger = switch (type) {
            case "metric" -> {
                String metricKey = f.optionalString("metricKey").orElseThrow(() ->
                        Rejection.invalid("'" + f.name("metricKey") + "' is required for a metric trigger"));
                double value = f.optionalNumber("metricValue").orElseThrow(() ->
                        Rejection.invalid("'" + f.name("metricValue") + "' is required for a metric trigger"));
                if (value <= 0) {
                    throw Rejection.unprocessable("'" + f.name("metricValue") + "' must be greater than 0");
                }
                yield new Trigger.Metric(metricKey, value);
            }
            case "streak" -> {
                int length = f.optionalInt("streakLength", 1, 100_000).orElseThrow(() ->
                        Rejection.invalid("'" + f.name("streakLength") + "' is required for a streak trigger"));
                yield new Trigger.Streak(length);
            }
            case "achievement" -> {
                List<String> pre = f.optionalStringList("prerequisites").orElse(List.of());
                if (pre.isEmpty()) {
                    throw Rejection.unprocessable("'" + f.name("prerequisites")
                            + "' must name at least one achievement");
                }
                if (pre.size() != Set.copyOf(pre).size()) {
                    throw Rejection.invalid("'" + f.name("prerequisites") + "' lists an achievement twice");
                }
                yield new Trigger.Composite(List.copyOf(pre));
            }
            case "api" -> new Trigger.Api();
            default -> throw Rejection.invalid("'" + f.name("trigger")
                    + "' must be one of metric, streak, api, achievement");
        };
        for (String field : List.of("metricKey", "metricValue", "streakLength", "prerequisites")) {
            boolean belongs = switch (field) {
                case "metricKey", "metricValue" -> trigger instanceof Trigger.Metric;
                case "streakLength" -> trigger instanceof Trigger.Streak;
                default -> trigger instanceof Trigger.Composite;
            };
            if (!belongs && f.has(field)) {
                throw Rejection.invalid("'" + f.name(field) + "' does not apply to a " + type + " trigger");
            }
        }
        List<AttributeFilter> userAttributes = filters(f, "userAttributes");
        List<AttributeFilter> eventAttributes = filters(f, "eventAttributes");
        if (!eventAttributes.isEmpty() && !(trigger instanceof Trigger.Metric)) {
            throw Rejection.unprocessable("'" + f.name("eventAttributes") + "' apply only to metric triggers");
        }
        ProgressState initial = ProgressState.parse(f.optionalString("initialState").orElse("REVEALED"),
                f.name("initialState"));
        if (initial == ProgressState.UNLOCKED) {
            throw Rejection.invalid("'" + f.name("initialState") + "' must be HIDDEN or REVEALED");
        }
        boolean repeatable = f.optionalBoolean("repeatable").orElse(false);
        if (repeatable && !(trigger instanceof Trigger.Api)) {
            throw Rejection.unprocessable("'" + f.name("repeatable") + "' is only possible for api triggers");
        }
        long totalSteps = switch (trigger) {
            case Trigger.Metric m -> (long) Math.max(1, Math.ceil(m.metricValue()));
            case Trigger.Streak s -> s.length();
            default -> f.optionalLong("totalSteps").orElse(1L);
        };
        // Exports and GETs carry the derived value, so that value is accepted back (a round trip must import);
        // any other value would contradict the threshold.
        if (f.has("totalSteps") && !(trigger instanceof Trigger.Api || trigger instanceof Trigger.Composite)
                && f.optionalLong("totalSteps").orElseThrow() != totalSteps) {
            throw Rejection.unprocessable("'" + f.name("totalSteps") + "' is derived from the " + type
                    + " trigger's threshold and cannot be set");
        }
        // The bound is on a value the client sets; a derived one follows its threshold (metricValue is bounded by
        // the same 1e15 as an event's value).
        boolean clientSet = trigger instanceof Trigger.Api || trigger instanceof Trigger.Composite;
        if (clientSet && (totalSteps < 1 || totalSteps > 1_000_000_000L)) {
            throw Rejection.invalid("'" + f.name("totalSteps") + "' must be between 1 and 1000000000");
        }
        Presentation presentation = new Presentation(
                text(f, "revealedDescription", 2000), text(f, "unlockedDescription", 2000), text(f, "type", 50),
                text(f, "stepFormat", 50), f.optionalInt("point", -1_000_000, 1_000_000).orElse(null),
                f.optionalBoolean("disclosed").orElse(true), icons(f, "revealedIconUrls"),
                icons(f, "unlockedIconUrls"));
        if (description != null && description.length() > 2000) {
            throw Rejection.invalid("'" + f.name("description") + "' must be at most 2000 characters");
        }
        return new Achievement(null, key, name, description, badgeUrl, status, trigger, userAttributes,
                eventAttributes, initial, totalSteps, repeatable, presentation, -1, 0, 0);
    }

    static ObjectNode achievement(Achievement a) {
        ObjectNode n = Fields.object();
        n.put("key", a.key());
        n.put("id", a.id());
        n.put("name", a.name());
        n.put("description", a.description());
        n.put("badgeUrl", a.badgeUrl());
        n.put("status", a.status().wire());
        n.put("trigger", a.trigger().type());
        switch (a.trigger()) {
            case Trigger.Metric m -> n.put("metricKey", m.metricKey()).put("metricValue", m.metricValue());
            case Trigger.Streak s -> n.put("streakLength", s.length());
            case Trigger.Composite c -> {
                ArrayNode pre = n.putArray("prerequisites");
                c.prerequisites().forEach(pre::add);
            }
            case Trigger.Api api -> { }
        }
        n.set("userAttributes", filters(a.userAttributes()));
        n.set("eventAttributes", filters(a.eventAttributes()));
        n.put("initialState", a.initialState().name());
        n.put("totalSteps", a.totalSteps());
        n.put("repeatable", a.repeatable());
        Presentation p = a.presentation();
        n.put("revealedDescription", p.revealedDescription());
        n.put("unlockedDescription", p.unlockedDescription());
        n.put("type", p.type());
        n.put("stepFormat", p.stepFormat());
        if (p.point() == null) {
            n.putNull("point");
        } else {
            n.put("point", p.point());
        }
        n.put("disclosed", p.disclosed());
        n.set("revealedIconUrls", icons(p.revealedIconUrls()));
        n.set("unlockedIconUrls", icons(p.unlockedIconUrls()));
        n.put("createdAt", Times.iso(a.createdAt()));
        n.put("updatedAt", Times.iso(a.updatedAt()));
        return n;
    }

    private static String text(Fields f, String field, int max) {
        String v = f.optionalString(field).orElse(null);
        if (v != null && v.length() > max) {
            throw Rejection.invalid("'" + f.name(field) + "' must be at most " + max + " characters");
        }
        return v;
    }

    private static String url(Fields f, String field) {
        String v = f.optionalString(field).filter(s -> !s.isEmpty()).orElse(null);
        if (v != null && (v.length() > 2000 || !v.matches("(?i)https?://\\S+"))) {
            throw Rejection.invalid("'" + f.name(field) + "' must be an http(s) URL");
        }
        return v;
    }

    private static List<AttributeFilter> filters(Fields f, String field) {
        List<AttributeFilter> out = new ArrayList<>();
        for (Fields item : f.optionalObjectList(field).orElse(List.of())) {
            item.only(Set.of("key", "value"));
            String k = item.requiredString("key");
            if (!Ids.isKey(k)) {
                throw Rejection.invalid("'" + item.name("key") + "' must be 1-64 letters, digits, '-', '_' or '.'");
            }
            out.add(new AttributeFilter(k, item.requiredString("value")));
        }
        if (out.size() > 20) {
            throw Rejection.invalid("'" + f.name(field) + "' may hold at most 20 filters");
        }
        return List.copyOf(out);
    }

    private static List<Presentation.Icon> icons(Fields f, String field) {
        List<Presentation.Icon> out = new ArrayList<>();
        for (Fields item : f.optionalObjectList(field).orElse(List.of())) {
            item.only(Set.of("type", "value", "primary"));
            String value = url(item, "value");
            if (value == null) {
                throw Rejection.invalid("'" + item.name("value") + "' is required");
            }
            out.add(new Presentation.Icon(item.optionalString("type").orElse("default"), value,
                    item.optionalBoolean("primary").orElse(false)));
        }
        return List.copyOf(out);
    }

    private static ArrayNode filters(List<AttributeFilter> filters) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        filters.forEach(x -> out.addObject().put("key", x.key()).put("value", x.value()));
        return out;
    }

    private static ArrayNode icons(List<Presentation.Icon> icons) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        icons.forEach(i -> out.addObject().put("type", i.type()).put("value", i.value()).put("primary", i.primary()));
        return out;
    }
}
