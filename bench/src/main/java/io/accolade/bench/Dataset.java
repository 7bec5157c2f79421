package io.accolade.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The seeded data set. Definitions go through the admin API (100 achievements: metric thresholds on four metrics,
 * event- and user-attribute filters, streak lengths, Trophy api and Mobage incremental achievements, prerequisite
 * chains). {@value #TEMPLATES} template users are then built through the Trophy API (events with backdated
 * timestamps for streaks, completions), so their rows are exactly what the engine writes; every benchmark user
 * {@code u0000000…} is a copy of one template's rows under its own id, loaded by SQL (COPY on PostgreSQL), with a
 * progress record for each of the 100 achievements. Counters (users, completions) are set to match.
 */
final class Dataset {
    static final String APP = "bench";
    static final int TEMPLATES = 20;
    static final String[] METRICS = {"xp", "lessons", "words", "minutes"};
    static final String[] ZONES = {"UTC", "Europe/London", "America/New_York", "Asia/Tokyo"};
    /** Tables with per-user rows, copied from the templates. */
    static final String[] USER_TABLES = {"users", "metric_totals", "events", "streaks", "streak_periods", "progress"};

    static String userId(int i) {
        return String.format("u%07d", i);
    }

    static String templateId(int t) {
        return String.format("tmpl-%02d", t);
    }

    // ---- definitions -------------------------------------------------------------------------------------------

    static List<String> achievementKeys = new ArrayList<>();

    static ObjectNode definitions() {
        ObjectNode doc = Api.JSON.createObjectNode();
        ArrayNode metrics = doc.putArray("metrics");
        for (String m : METRICS) {
            metrics.addObject().put("key", m).put("name", m);
        }
        ArrayNode a = doc.putArray("achievements");
        achievementKeys.clear();
        for (int v : new int[] {10, 20, 50, 100, 200, 300, 500, 750, 1000, 1500}) {
            metric(a, "xp-" + v, "xp", v);
        }
        for (int k = 1; k <= 5; k++) {
            metric(a, "xp-far-" + k, "xp", k * 10_000_000); // never reached in a run: "unlocks nothing" events
        }
        for (int v : new int[] {1, 3, 5, 10, 25, 50, 100, 250, 500, 1000}) {
            metric(a, "lessons-" + v, "lessons", v);
        }
        for (int v : new int[] {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000}) {
            metric(a, "words-" + v, "words", v);
        }
        for (int v : new int[] {1000, 5000, 10000, 50000, 100000}) {
            ObjectNode n = metric(a, "words-web-" + v, "words", v);
            n.putArray("eventAttributes").addObject().put("key", "source").put("value", "web");
        }
        for (int v : new int[] {60, 120, 300, 600, 1200, 3000, 6000, 12000, 30000, 60000}) {
            metric(a, "minutes-" + v, "minutes", v);
        }
        for (int v : new int[] {500, 1000, 5000, 10000, 50000}) {
            ObjectNode n = metric(a, "minutes-pro-" + v, "minutes", v);
            n.putArray("userAttributes").addObject().put("key", "plan").put("value", "pro");
        }
        for (int len : new int[] {1, 2, 3, 5, 7, 10, 14, 30, 60, 100}) {
            add(a, "streak-" + len).put("trigger", "streak").put("streakLength", len);
        }
        for (int k = 1; k <= 5; k++) {
            add(a, "api-" + k).put("trigger", "api");
        }
        for (int k = 1; k <= 10; k++) {
            add(a, "mb-" + k).put("trigger", "api").put("totalSteps", 1_000_000L * k).put("type", "incremental")
                    .put("stepFormat", "pt").put("point", 10 * k);
        }
        prereqs(add(a, "chain-1"), "lessons-1");
        prereqs(add(a, "chain-2"), "chain-1");
        prereqs(add(a, "chain-3"), "chain-2", "streak-1");
        String[] xp = {"xp-10", "xp-100", "xp-500", "xp-1000", "xp-1500"};
        String[] other = {"words-100", "words-1000", "minutes-60", "minutes-600", "lessons-3", "lessons-10",
            "streak-2", "streak-5", "api-1", "api-2", "words-web-1000", "minutes-pro-500", "lessons-25", "words-5000",
            "minutes-3000", "api-3", "streak-3"};
        for (int k = 0; k < 17; k++) {
            prereqs(add(a, "combo-" + (k + 1)), xp[k % xp.length], other[k]);
        }
        ObjectNode streak = doc.putObject("streak");
        streak.put("enabled", true).put("frequency", "daily").put("mode", "ALL");
        streak.putArray("metrics").addObject().put("key", "lessons").put("threshold", 1);
        streak.putObject("freezes").put("enabled", true).put("initial", 1).put("autoEarnAmount", 1)
                .put("autoEarnIntervalDays", 7).put("max", 3);
        if (achievementKeys.size() != 100) {
            throw new IllegalStateException("expected 100 definitions, have " + achievementKeys.size());
        }
        return doc;
    }

    private static ObjectNode add(ArrayNode a, String key) {
        achievementKeys.add(key);
        return a.addObject().put("key", key).put("name", key);
    }

    private static ObjectNode metric(ArrayNode a, String key, String metric, double value) {
        return add(a, key).put("trigger", "metric").put("metricKey", metric).put("metricValue", value);
    }

    private static void prereqs(ObjectNode n, String... keys) {
        n.put("trigger", "achievement");
        ArrayNode p = n.putArray("prerequisites");
        for (String k : keys) {
            p.add(k);
        }
    }

    // ---- set-up through the API ----------------------------------------------------------------------------------

    /** Creates the app and its definitions; returns the app's API key. */
    static String createApp(Api api, String adminToken) throws IOException, InterruptedException {
        String[] admin = {"Authorization", "Bearer " + adminToken};
        JsonNode app = api.ok("POST", "/admin/v1/apps", admin, Map.of("id", APP, "name", "Benchmark"));
        api.ok("PUT", "/admin/v1/apps/" + APP + "/definitions", admin, definitions());
        return app.get("apiKey").asText();
    }

    /** A new key for an existing app (a reused data set: the first key was shown once, in an earlier run). */
    static String newKey(Api api, String adminToken) throws IOException, InterruptedException {
        definitions();
        return api.ok("POST", "/admin/v1/apps/" + APP + "/keys", new String[] {"Authorization", "Bearer " + adminToken},
                null).get("apiKey").asText();
    }

    /** The template users, built by the engine itself through the Trophy API. */
    static void createTemplates(Api api, String apiKey) throws IOException, InterruptedException {
        String[] key = {"X-API-KEY", apiKey};
        Instant now = Instant.now();
        for (int t = 0; t < TEMPLATES; t++) {
            String id = templateId(t);
            ObjectNode user = Api.JSON.createObjectNode().put("id", id).put("tz", ZONES[t % ZONES.length]);
            user.putObject("attributes").put("plan", t % 2 == 0 ? "pro" : "free");
            event(api, key, "xp", user, 2000 + 37 * t, null, null);
            int days = t % 7;
            for (int d = days - 1; d >= 0; d--) {
                event(api, key, "lessons", user, 1 + t % 3, d == 0 ? null
                        : now.minus(d, ChronoUnit.DAYS).toString(), null);
            }
            event(api, key, "words", user, 400 * t + 50, null, t % 2 == 0 ? "web" : "app");
            event(api, key, "minutes", user, 45 * t + 5, null, null);
            if (t % 3 == 0) {
                ObjectNode body = Api.JSON.createObjectNode();
                body.putObject("user").put("id", id);
                api.ok("POST", "/v1/achievements/api-" + (t % 5 + 1) + "/complete", key, body);
            }
        }
    }

    private static void event(Api api, String[] key, String metric, ObjectNode user, double value, String timestamp,
                              String source) throws IOException, InterruptedException {
        ObjectNode body = Api.JSON.createObjectNode();
        body.set("user", user);
        body.put("value", value);
        if (timestamp != null) {
            body.put("timestamp", timestamp);
        }
        if (source != null) {
            body.putObject("attributes").put("source", source);
        }
        api.ok("POST", "/v1/metrics/" + metric + "/event", key, body);
    }

    // ---- copies by SQL -------------------------------------------------------------------------------------------

    /** One table's template rows: column names and, per template, rows of values (as text; null = SQL NULL). */
    record Rows(List<String> columns, List<List<String[]>> perTemplate) {
    }

    /** Reads the templates' rows and adds a progress record for every achievement a template has none of. */
    static Map<String, Rows> templates(Connection c) throws SQLException {
        Map<String, Rows> out = new LinkedHashMap<>();
        for (String table : USER_TABLES) {
            List<String> cols = new ArrayList<>();
            List<List<String[]>> per = new ArrayList<>();
            for (int t = 0; t < TEMPLATES; t++) {
                List<String[]> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table
                        + " WHERE app_id = ? AND user_id = ?")) {
                    ps.setString(1, APP);
                    ps.setString(2, templateId(t));
                    try (ResultSet rs = ps.executeQuery()) {
                        ResultSetMetaData md = rs.getMetaData();
                        if (cols.isEmpty()) {
                            for (int i = 1; i <= md.getColumnCount(); i++) {
                                cols.add(md.getColumnName(i).toLowerCase());
                            }
                        }
                        while (rs.next()) {
                            String[] v = new String[cols.size()];
                            for (int i = 0; i < v.length; i++) {
                                v[i] = text(rs.getObject(i + 1));
                            }
                            rows.add(v);
                        }
                    }
                }
                per.add(rows);
            }
            if (cols.isEmpty()) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table
                        + " WHERE 1 = 0")) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        cols.add(rs.getMetaData().getColumnName(i).toLowerCase());
                    }
                }
            }
            out.put(table, new Rows(cols, per));
        }
        // Fill: a REVEALED record with no steps for each achievement the template never touched (a client that
        // showed the achievement list, Mobage style), so that every user has 100 progress records.
        Rows progress = out.get("progress");
        List<String> pc = progress.columns();
        long now = System.currentTimeMillis();
        for (List<String[]> rows : progress.perTemplate()) {
            java.util.Set<String> have = new java.util.HashSet<>();
            String userId = null;
            for (String[] r : rows) {
                have.add(r[pc.indexOf("ach_key")]);
                userId = r[pc.indexOf("user_id")];
            }
            for (String key : achievementKeys) {
                if (have.contains(key)) {
                    continue;
                }
                String[] r = new String[pc.size()];
                set(r, pc, "app_id", APP);
                set(r, pc, "user_id", userId);
                set(r, pc, "ach_key", key);
                set(r, pc, "state", "REVEALED");
                set(r, pc, "steps", "0");
                set(r, pc, "metric_progress", "0");
                set(r, pc, "unlock_count", "0");
                set(r, pc, "created_at", String.valueOf(now));
                set(r, pc, "updated_at", String.valueOf(now));
                rows.add(r);
            }
        }
        return out;
    }

    private static void set(String[] r, List<String> cols, String col, String v) {
        r[cols.indexOf(col)] = v;
    }

    private static String text(Object o) {
        return switch (o) {
            case null -> null;
            case Boolean b -> b ? "t" : "f";
            case Double d when d == Math.rint(d) && !Double.isInfinite(d) -> String.valueOf(d.longValue());
            default -> o.toString();
        };
    }

    /** Inserts the fill records of the templates themselves (they were built by the API with fewer). */
    static void fillTemplates(Connection c, boolean postgres, Map<String, Rows> rows) throws SQLException {
        Rows p = rows.get("progress");
        String sql = "INSERT INTO progress (" + String.join(", ", p.columns()) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(p.columns().size(), "?"))
                + ") ON CONFLICT DO NOTHING";
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (List<String[]> t : p.perTemplate()) {
                for (String[] r : t) {
                    bind(ps, p.columns(), r, postgres);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /**
     * Loads users [from, to) as copies of the templates (user i copies template i % TEMPLATES). PostgreSQL: one
     * COPY per table and slice, two slices at a time; SQLite: batched inserts in one transaction.
     */
    static void copyUsers(Supplier<Connection> connect, boolean postgres, Map<String, Rows> rows, int from, int to,
                          int parallel) throws Exception {
        if (!postgres) {
            try (Connection c = connect.get()) {
                c.setAutoCommit(false);
                for (var e : rows.entrySet()) {
                    Rows r = e.getValue();
                    String sql = "INSERT INTO " + e.getKey() + " (" + String.join(", ", r.columns()) + ") VALUES ("
                            + String.join(", ", java.util.Collections.nCopies(r.columns().size(), "?")) + ")";
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        int uidCol = r.columns().indexOf("user_id");
                        int n = 0;
                        for (int i = from; i < to; i++) {
                            String uid = userId(i);
                            for (String[] row : r.perTemplate().get(i % TEMPLATES)) {
                                String[] v = row.clone();
                                v[uidCol] = uid;
                                bind(ps, r.columns(), v, false);
                                ps.addBatch();
                                if (++n % 5000 == 0) {
                                    ps.executeBatch();
                                }
                            }
                        }
                        ps.executeBatch();
                    }
                }
                c.commit();
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            int slices = Math.max(1, Math.min(parallel * 2, (to - from) / 50_000));
            for (var e : rows.entrySet()) {
                int per = (to - from + slices - 1) / slices;
                for (int s = 0; s < slices; s++) {
                    int a = from + s * per;
                    int b = Math.min(to, a + per);
                    if (a >= b) {
                        continue;
                    }
                    jobs.add(pool.submit(() -> {
                        try (Connection c = connect.get()) {
                            copy(c, e.getKey(), e.getValue(), a, b);
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void copy(Connection c, String table, Rows r, int from, int to) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " ("
                + String.join(", ", r.columns()) + ") FROM STDIN");
        int uidCol = r.columns().indexOf("user_id");
        // Escaped template rows with a marker where the user id goes.
        List<List<String[]>> escaped = new ArrayList<>();
        for (List<String[]> t : r.perTemplate()) {
            List<String[]> out = new ArrayList<>();
            for (String[] row : t) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        line.append('\t');
                    }
                    line.append(i == uidCol ? "\u0000" : row[i] == null ? "\\N" : escape(row[i]));
                }
                line.append('\n');
                int at = line.indexOf("\u0000");
                out.add(new String[] {line.substring(0, at), line.substring(at + 1)});
            }
            escaped.add(out);
        }
        StringBuilder buf = new StringBuilder(1 << 20);
        try {
            for (int i = from; i < to; i++) {
                String uid = userId(i);
                for (String[] parts : escaped.get(i % TEMPLATES)) {
                    buf.append(parts[0]).append(uid).append(parts[1]);
                }
                if (buf.length() > (1 << 20)) {
                    byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
                    in.writeToCopy(bytes, 0, bytes.length);
                    buf.setLength(0);
                }
            }
            byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(bytes, 0, bytes.length);
            in.endCopy();
        } catch (SQLException e) {
            if (in.isActive()) {
                in.cancelCopy();
            }
            throw e;
        }
    }

    private static String escape(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static void bind(PreparedStatement ps, List<String> cols, String[] v, boolean postgres)
            throws SQLException {
        for (int i = 0; i < v.length; i++) {
            // Text for everything: PostgreSQL (stringtype=unspecified) and SQLite both convert to the column's type.
            String s = v[i];
            if (s != null && !postgres && ("t".equals(s) || "f".equals(s)) && isBool(cols.get(i))) {
                ps.setInt(i + 1, "t".equals(s) ? 1 : 0);
            } else if (s == null) {
                ps.setNull(i + 1, java.sql.Types.VARCHAR);
            } else {
                ps.setString(i + 1, s);
            }
        }
    }

    private static boolean isBool(String col) {
        return switch (col) {
            case "subscribe_to_emails", "control", "met", "used_freeze" -> true;
            default -> false;
        };
    }

    /**
     * Sets the users counter and each achievement's completions to what the loaded rows hold, spread over the 16
     * slots as the engine would.
     */
    static void resetCounters(Connection c, Map<String, Rows> rows, int users) throws SQLException {
        Rows p = rows.get("progress");
        int keyCol = p.columns().indexOf("ach_key");
        int firstCol = p.columns().indexOf("first_unlocked_at");
        Map<String, Long> completions = new TreeMap<>();
        for (int t = 0; t < TEMPLATES; t++) {
            long copies = users / TEMPLATES + (t < users % TEMPLATES ? 1 : 0) + 1; // + the template itself
            for (String[] r : p.perTemplate().get(t)) {
                if (r[firstCol] != null) {
                    completions.merge("completions:" + r[keyCol], copies, Long::sum);
                }
            }
        }
        Map<String, Long> all = new HashMap<>(completions);
        all.put("users", (long) users + TEMPLATES);
        c.setAutoCommit(false);
        try (PreparedStatement del = c.prepareStatement("DELETE FROM counters WHERE app_id = ?")) {
            del.setString(1, APP);
            del.executeUpdate();
        }
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO counters (app_id, counter, slot, value) "
                + "VALUES (?, ?, ?, ?)")) {
            for (var e : all.entrySet()) {
                for (int slot = 0; slot < 16; slot++) {
                    long v = e.getValue() / 16 + (slot < e.getValue() % 16 ? 1 : 0);
                    ins.setString(1, APP);
                    ins.setString(2, e.getKey());
                    ins.setInt(3, slot);
                    ins.setLong(4, v);
                    ins.addBatch();
                }
            }
            ins.executeBatch();
        }
        // Per-length streak counts (V5), when the schema has them.
        boolean lengths;
        try (ResultSet rs = c.getMetaData().getTables(null, null, "streak_lengths", new String[] {"TABLE"})) {
            lengths = rs.next();
        }
        if (lengths) {
            Rows st = rows.get("streaks");
            int lenCol = st.columns().indexOf("length");
            Map<Integer, Long> byLength = new TreeMap<>();
            for (int t = 0; t < TEMPLATES; t++) {
                long copies = users / TEMPLATES + (t < users % TEMPLATES ? 1 : 0) + 1;
                for (String[] r : st.perTemplate().get(t)) {
                    int len = Integer.parseInt(r[lenCol]);
                    if (len > 0) {
                        byLength.merge(len, copies, Long::sum);
                    }
                }
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM streak_lengths WHERE app_id = ?")) {
                del.setString(1, APP);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO streak_lengths (app_id, length, slot, users) "
                    + "VALUES (?, ?, 0, ?)")) {
                for (var e : byLength.entrySet()) {
                    ins.setString(1, APP);
                    ins.setInt(2, e.getKey());
                    ins.setLong(3, e.getValue());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        }
        c.commit();
        c.setAutoCommit(true);
    }
}
