package io.accolade.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementStatus;
import io.accolade.domain.AttributeFilter;
import io.accolade.domain.Metric;
import io.accolade.domain.Presentation;
import io.accolade.domain.ProgressState;
import io.accolade.domain.Trigger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Metric and achievement definitions. An achievement's identity and lifecycle are columns; the rest is the
 * {@code spec} JSON document, whose format is private to this class (see {@link #spec} and {@link #achievement}).
 */
public final class DefinitionStore {

    public List<Metric> metrics(Connection c, String appId) {
        return Sql.list(c, "SELECT metric_key, id, name, units, status, created_at, updated_at FROM metrics "
                + "WHERE app_id = ?", DefinitionStore::metric, appId);
    }

    public void upsertMetric(Connection c, String appId, Metric m) {
        Sql.update(c, "INSERT INTO metrics (app_id, metric_key, id, name, units, status, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app_id, metric_key) DO UPDATE SET "
                        + "name = excluded.name, units = excluded.units, status = excluded.status, "
                        + "updated_at = excluded.updated_at",
                appId, m.key(), m.id(), m.name(), m.units(), m.status(), m.createdAt(), m.updatedAt());
    }

    /**
     * Deletes the definition with every user's data of it: totals, events and idempotency keys. A metric defined
     * again under the same key starts from nothing; a key left behind would answer a new event as a replay of an
     * event of the deleted metric.
     */
    public boolean deleteMetric(Connection c, String appId, String key) {
        Database.touchedApp(appId);
        Sql.update(c, "DELETE FROM metric_totals WHERE app_id = ? AND metric_key = ?", appId, key);
        Sql.update(c, "DELETE FROM idempotency_keys WHERE app_id = ? AND metric_key = ?", appId, key);
        Sql.update(c, "DELETE FROM events WHERE app_id = ? AND metric_key = ?", appId, key);
        return Sql.update(c, "DELETE FROM metrics WHERE app_id = ? AND metric_key = ?", appId, key) == 1;
    }

    public List<Achievement> achievements(Connection c, String appId) {
        return Sql.list(c, "SELECT ach_key, id, status, trigger_type, position, spec, created_at, updated_at "
                + "FROM achievements WHERE app_id = ?", DefinitionStore::achievement, appId);
    }

    public void upsertAchievement(Connection c, String appId, Achievement a) {
        Sql.update(c, "INSERT INTO achievements (app_id, ach_key, id, status, trigger_type, position, spec, "
                        + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (app_id, ach_key) DO UPDATE SET status = excluded.status, "
                        + "trigger_type = excluded.trigger_type, position = excluded.position, spec = excluded.spec, "
                        + "updated_at = excluded.updated_at",
                appId, a.key(), a.id(), a.status().wire(), a.trigger().type(), a.position(),
                JsonColumns.write(spec(a)), a.createdAt(), a.updatedAt());
    }

    /**
     * Starts every user's progress on an achievement again from nothing where it is not completed: what it counts
     * changed (see DefinitionService#countsDifferently), so a sum of the old events is no measure of the new. The
     * users count it as a write of theirs ({@code write_seq}), as in {@link #deleteAchievement}; the backdating then
     * sets the new measure of the users who have one.
     */
    public void restartProgress(Connection c, String appId, String key, long now) {
        Database.touchedApp(appId);
        Sql.update(c, "UPDATE users SET write_seq = write_seq + 1 WHERE app_id = ? AND user_id IN "
                + "(SELECT user_id FROM progress WHERE app_id = ? AND ach_key = ? AND first_unlocked_at IS NULL)",
                appId, appId, key);
        Sql.update(c, "UPDATE progress SET steps = 0, metric_progress = 0, updated_at = ? WHERE app_id = ? "
                + "AND ach_key = ? AND first_unlocked_at IS NULL AND (steps <> 0 OR metric_progress <> 0)",
                now, appId, key);
    }

    /**
     * Deletes the definition and every user's progress on it, and its completion counter. The users who had a record
     * of it count this as a write of theirs ({@code write_seq}, as {@link UserStore#lockWithSeq} does), so that no
     * node starts their next write from records kept before (service/LockedRecords).
     */
    public boolean deleteAchievement(Connection c, String appId, String key) {
        deleteRecordsOf(c, appId, key);
        return Sql.update(c, "DELETE FROM achievements WHERE app_id = ? AND ach_key = ?", appId, key) == 1;
    }

    /**
     * Deletes every user's record of an achievement key and its completion counter, as {@link #deleteAchievement}
     * does. Creating an achievement does it too: a write that started under the catalog before a deletion can still
     * commit a record of the deleted key after it (the deletion cannot wait for writes of users who had no record
     * yet), and such a leftover, invisible while the key is undefined, must not show under a new achievement of the
     * same key.
     */
    public void deleteRecordsOf(Connection c, String appId, String key) {
        Database.touchedApp(appId);
        Sql.update(c, "UPDATE users SET write_seq = write_seq + 1 WHERE app_id = ? AND user_id IN "
                + "(SELECT user_id FROM progress WHERE app_id = ? AND ach_key = ?)", appId, appId, key);
        Sql.update(c, "DELETE FROM progress WHERE app_id = ? AND ach_key = ?", appId, key);
        Sql.update(c, "DELETE FROM counters WHERE app_id = ? AND counter = ?", appId, CounterStore.completions(key));
    }

    private static Metric metric(ResultSet rs) throws SQLException {
        return new Metric(rs.getString("id"), rs.getString("metric_key"), rs.getString("name"), rs.getString("units"),
                "archived".equals(rs.getString("status")), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    // ---- the spec document ------------------------------------------------------------------------------------

    static ObjectNode spec(Achievement a) {
        ObjectNode s = JsonColumns.MAPPER.createObjectNode();
        s.put("name", a.name());
        s.put("description", a.description());
        s.put("badgeUrl", a.badgeUrl());
        switch (a.trigger()) {
            case Trigger.Metric m -> s.put("metricKey", m.metricKey()).put("metricValue", m.metricValue());
            case Trigger.Streak st -> s.put("streakLength", st.length());
            case Trigger.Composite comp -> {
                ArrayNode pre = s.putArray("prerequisites");
                comp.prerequisites().forEach(pre::add);
            }
            case Trigger.Api api -> { }
        }
        s.set("userAttributes", filters(a.userAttributes()));
        s.set("eventAttributes", filters(a.eventAttributes()));
        s.put("initialState", a.initialState().name());
        s.put("totalSteps", a.totalSteps());
        s.put("repeatable", a.repeatable());
        Presentation p = a.presentation();
        ObjectNode pn = s.putObject("presentation");
        pn.put("revealedDescription", p.revealedDescription());
        pn.put("unlockedDescription", p.unlockedDescription());
        pn.put("type", p.type());
        pn.put("stepFormat", p.stepFormat());
        if (p.point() != null) {
            pn.put("point", p.point());
        }
        pn.put("disclosed", p.disclosed());
        pn.set("revealedIconUrls", icons(p.revealedIconUrls()));
        pn.set("unlockedIconUrls", icons(p.unlockedIconUrls()));
        return s;
    }

    private static Achievement achievement(ResultSet rs) throws SQLException {
        JsonNode s = JsonColumns.tree(rs.getString("spec"));
        String type = rs.getString("trigger_type");
        Trigger trigger = switch (type) {
            case "metric" -> new Trigger.Metric(s.get("metricKey").asText(), s.get("metricValue").asDouble());
            case "streak" -> new Trigger.Streak(s.get("streakLength").asInt());
            case "achievement" -> {
                List<String> pre = new ArrayList<>();
                s.get("prerequisites").forEach(n -> pre.add(n.asText()));
                yield new Trigger.Composite(List.copyOf(pre));
            }
            default -> new Trigger.Api();
        };
        JsonNode p = s.path("presentation");
        Presentation presentation = new Presentation(text(p, "revealedDescription"), text(p, "unlockedDescription"),
                text(p, "type"), text(p, "stepFormat"), p.hasNonNull("point") ? p.get("point").asInt() : null,
                p.path("disclosed").asBoolean(true), icons(p.path("revealedIconUrls")),
                icons(p.path("unlockedIconUrls")));
        return new Achievement(rs.getString("id"), rs.getString("ach_key"), s.get("name").asText(),
                text(s, "description"), text(s, "badgeUrl"), AchievementStatus.parse(rs.getString("status"), "status"),
                trigger, filters(s.path("userAttributes")), filters(s.path("eventAttributes")),
                ProgressState.valueOf(s.path("initialState").asText("REVEALED")), s.path("totalSteps").asLong(1),
                s.path("repeatable").asBoolean(false), presentation, rs.getInt("position"), rs.getLong("created_at"),
                rs.getLong("updated_at"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static ArrayNode filters(List<AttributeFilter> filters) {
        ArrayNode out = JsonColumns.MAPPER.createArrayNode();
        filters.forEach(f -> out.addObject().put("key", f.key()).put("value", f.value()));
        return out;
    }

    private static List<AttributeFilter> filters(JsonNode n) {
        List<AttributeFilter> out = new ArrayList<>();
        n.forEach(f -> out.add(new AttributeFilter(f.get("key").asText(), f.get("value").asText())));
        return List.copyOf(out);
    }

    private static ArrayNode icons(List<Presentation.Icon> icons) {
        ArrayNode out = JsonColumns.MAPPER.createArrayNode();
        icons.forEach(i -> out.addObject().put("type", i.type()).put("value", i.value()).put("primary", i.primary()));
        return out;
    }

    private static List<Presentation.Icon> icons(JsonNode n) {
        List<Presentation.Icon> out = new ArrayList<>();
        n.forEach(i -> out.add(new Presentation.Icon(text(i, "type"), text(i, "value"), i.path("primary").asBoolean())));
        return List.copyOf(out);
    }
}
