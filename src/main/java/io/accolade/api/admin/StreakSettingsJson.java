package io.accolade.api.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.domain.Ids;
import io.accolade.domain.Rejection;
import io.accolade.domain.streak.Frequency;
import io.accolade.domain.streak.StreakSettings;
import io.accolade.http.Fields;
import java.time.DayOfWeek;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The admin form of an app's streak rules ({@code PUT /admin/v1/apps/{appId}/streak}). */
final class StreakSettingsJson {
    private StreakSettingsJson() {
    }

    static StreakSettings parse(Fields f) {
        f.only(Set.of("enabled", "frequency", "metrics", "mode", "weekStart", "freezes"));
        boolean enabled = f.optionalBoolean("enabled").orElse(true);
        Frequency frequency = Frequency.parse(f.optionalString("frequency").orElse("daily"), f.name("frequency"));
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Fields m : f.optionalObjectList("metrics").orElse(List.of())) {
            m.only(Set.of("key", "threshold"));
            String key = Ids.key(m.requiredString("key"), m.name("key"));
            double threshold = m.optionalNumber("threshold").orElse(1.0);
            if (threshold <= 0) {
                throw Rejection.invalid("'" + m.name("threshold") + "' must be greater than 0");
            }
            if (metrics.put(key, threshold) != null) {
                throw Rejection.invalid("'" + f.name("metrics") + "' lists metric '" + key + "' twice");
            }
        }
        if (enabled && metrics.isEmpty()) {
            throw Rejection.unprocessable("'" + f.name("metrics") + "' must name at least one metric when enabled");
        }
        String mode = f.optionalString("mode").orElse("ALL").toUpperCase(Locale.ROOT);
        StreakSettings.Mode m = switch (mode) {
            case "ALL", "AND" -> StreakSettings.Mode.ALL;
            case "ANY", "OR" -> StreakSettings.Mode.ANY;
            default -> throw Rejection.invalid("'" + f.name("mode") + "' must be ALL or ANY");
        };
        DayOfWeek weekStart;
        try {
            weekStart = DayOfWeek.valueOf(f.optionalString("weekStart").orElse("MONDAY").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Rejection.invalid("'" + f.name("weekStart") + "' must be a day of the week, e.g. monday or sunday");
        }
        StreakSettings.FreezePolicy freezes = f.optionalObject("freezes").map(fz -> {
            fz.only(Set.of("enabled", "initial", "autoEarnAmount", "autoEarnIntervalDays", "max"));
            int max = fz.optionalInt("max", 0, 100).orElse(3);
            return new StreakSettings.FreezePolicy(fz.optionalBoolean("enabled").orElse(true),
                    Math.min(max, fz.optionalInt("initial", 0, 100).orElse(0)),
                    fz.optionalInt("autoEarnAmount", 0, 100).orElse(0),
                    fz.optionalInt("autoEarnIntervalDays", 0, 3650).orElse(0), max);
        }).orElse(StreakSettings.FreezePolicy.off());
        return new StreakSettings(enabled, frequency, Map.copyOf(metrics), m, weekStart, freezes);
    }

    static ObjectNode write(StreakSettings s) {
        ObjectNode n = Fields.object();
        n.put("enabled", s.enabled());
        n.put("frequency", s.frequency().wire());
        ArrayNode metrics = n.putArray("metrics");
        s.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> metrics.addObject().put("key", e.getKey()).put("threshold", e.getValue()));
        n.put("mode", s.mode().name());
        n.put("weekStart", s.weekStart().name().toLowerCase(Locale.ROOT));
        var f = s.freezes();
        n.putObject("freezes").put("enabled", f.enabled()).put("initial", f.initial())
                .put("autoEarnAmount", f.autoEarnAmount()).put("autoEarnIntervalDays", f.autoEarnIntervalDays())
                .put("max", f.max());
        return n;
    }
}
