package io.accolade.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/run --trace}: whether each storage anchor runs the statements one request of its scenario runs in the
 * server. The benchmark database logs every statement ({@code log_statement = all}, set on that database only);
 * the server is sent requests one at a time, then the anchor runs as many operations on one connection, and the
 * statements each side sent (told apart by backend pid) are counted per request. The anchors are copies of the
 * store's SQL kept by hand: this is what catches a copy that no longer matches.
 *
 * <p>Rows of a multi-row INSERT are not compared (the users drawn differ between the two sides, and with them how
 * many records an event touches), only which statements ran how often.
 */
final class Trace {
    /** A difference of at least this many statements per request is a mismatch (random draws move less). */
    static final double TOLERANCE = 0.35;

    private Trace() {
    }

    /** {@code log_line_prefix} '%m [%p] %q%u@%d ': time, [pid], user@database, then the message. */
    private static final Pattern LINE = Pattern.compile(
            "\\[(\\d+)\\] [^@\\s]*@(\\S+) LOG:  (?:execute [^:]+|statement): (.*)$");
    private static final Pattern ROWS = Pattern.compile("VALUES \\([^()]*\\)(?:,\\s*\\([^()]*\\))*");
    private static final Pattern PARAM = Pattern.compile("\\$\\d+");

    /** A logged statement as compared: parameters as ?, one VALUES row, whitespace collapsed. */
    static String normalize(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        s = ROWS.matcher(s).replaceAll("VALUES (…)");
        return PARAM.matcher(s).replaceAll("?");
    }

    /** Statements in log lines of database {@code db}, by the backend pid that ran them. */
    static Map<Long, List<String>> statements(List<String> lines, String db) {
        Map<Long, List<String>> out = new TreeMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find() && m.group(2).equals(db)) {
                out.computeIfAbsent(Long.parseLong(m.group(1)), k -> new ArrayList<>()).add(normalize(m.group(3)));
            }
        }
        return out;
    }

    static Map<String, Integer> counts(List<String> statements) {
        Map<String, Integer> out = new TreeMap<>();
        statements.forEach(s -> out.merge(s, 1, Integer::sum));
        return out;
    }

    /** One statement's count per request on both sides. */
    record Line(String statement, double server, double anchor) {
        boolean matches() {
            return Math.abs(server - anchor) < TOLERANCE;
        }
    }

    static List<Line> compare(Map<String, Integer> server, int requests, Map<String, Integer> anchor, int ops) {
        Set<String> all = new TreeSet<>(server.keySet());
        all.addAll(anchor.keySet());
        List<Line> out = new ArrayList<>();
        for (String s : all) {
            out.add(new Line(s, (double) server.getOrDefault(s, 0) / requests,
                    (double) anchor.getOrDefault(s, 0) / ops));
        }
        return out;
    }

    /** The scenario's part of the report: a markdown table and a verdict line. */
    static String report(String scenario, boolean sqlPerRequest, List<Line> lines, int requests) {
        StringBuilder sb = new StringBuilder();
        boolean ok = lines.stream().allMatch(Line::matches);
        sb.append("#### ").append(scenario).append(": ");
        if (!sqlPerRequest) {
            sb.append("served from memory (the anchor is a refresh of the counters' sums; the server ran it ")
                    .append(String.format(Locale.ROOT, "%.2f", lines.stream().filter(l -> l.anchor() > 0)
                            .mapToDouble(Line::server).sum()))
                    .append(" times per request)\n\n");
        } else {
            sb.append(ok ? "the anchor runs the server's statements" : "**the anchor differs from the server**")
                    .append(" (").append(requests).append(" requests, statements per request)\n\n");
        }
        sb.append("| statement | server | anchor | |\n|---|--:|--:|---|\n");
        for (Line l : lines) {
            // The start says which table, the end which conflict rule: keep both.
            String st = l.statement();
            String text = st.length() > 150 ? st.substring(0, 110) + " … " + st.substring(st.length() - 37) : st;
            sb.append(String.format(Locale.ROOT, "| `%s` | %.2f | %.2f | %s |%n", text.replace("|", "\\|"),
                    l.server(), l.anchor(), l.matches() || !sqlPerRequest ? "" : "**differs**"));
        }
        return sb.toString();
    }

    /** PostgreSQL's log file: as given, else where the server says, else Debian's place for its cluster. */
    static Path logFile(Connection admin, String given) throws SQLException {
        if (given != null) {
            return Path.of(given);
        }
        try (Statement s = admin.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_current_logfile(), current_setting('data_directory')")) {
                if (rs.next() && rs.getString(1) != null) {
                    return Path.of(rs.getString(2)).resolve(rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SHOW cluster_name")) {
                String cluster = rs.next() ? rs.getString(1) : "";
                return Path.of("/var/log/postgresql/postgresql-" + cluster.replace('/', '-') + ".log");
            }
        }
    }

    /** A position in the log, and the lines written after it. */
    static final class Log {
        private final Path file;
        private long offset;

        Log(Path file) throws IOException {
            if (!Files.isReadable(file)) {
                throw new IOException("cannot read PostgreSQL's log " + file + " (give it with --pg-log FILE)");
            }
            this.file = file;
            this.offset = Files.size(file);
        }

        /** The lines written since the last call (or since this log was opened). */
        List<String> next() throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long end = f.length();
                byte[] bytes = new byte[(int) Math.max(0, end - offset)];
                f.seek(offset);
                f.readFully(bytes);
                offset = end;
                return new String(bytes, StandardCharsets.UTF_8).lines().toList();
            }
        }
    }
}
