package io.accolade.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's table against a baseline's (an earlier table of {@code bench/run}, by default the committed
 * {@code bench/baseline.md}): per scenario and store, the target's ratio, the rate, p99 and the server's CPU per
 * request then and now, with a verdict, so that a regression shows up by rerunning the same command.
 *
 * <p>Ratios, not rates, decide: the machines of the benchmark's rounds differed by up to 3x in speed, while a
 * scenario's ratio to the same run's anchor moved by up to about 20% between runs of one build on one machine
 * (BENCHMARKS.md, "Seventh round"). Both tables are read as text, by column name, so a baseline written before a
 * column was added still compares.
 */
final class Baseline {
    /**
     * A ratio this much under the baseline's is flagged. Three runs of one build in the seventh round moved the
     * ratios by up to 20% (mobage-collection 0.45–0.56, event-no-unlock 0.69–0.82); streak, after a stall in one
     * run, by 29%, which is why a flag asks for a rerun rather than failing anything.
     */
    static final double RATIO_DROP = 0.20;
    /**
     * Server CPU per request this much over the baseline's is flagged: one build moved by up to 24% here, and by
     * up to 1.5x between runs in the sixth round.
     */
    static final double CPU_RISE = 0.30;

    private Baseline() {
    }

    /**
     * A table: its heading (the "### label — time" line), its run's settings (users, connections, durations, load
     * generator) and its rows, keyed "scenario/store", column → cell.
     */
    record Table(String heading, String settings, Map<String, Map<String, String>> rows) {
    }

    /**
     * Reads the last table of a markdown text written by {@link Report#table} (a results file may hold several
     * runs; the newest is last). Rows without a scenario and store are skipped.
     */
    static Table parse(String markdown) {
        String heading = "";
        String settings = "";
        List<String> header = null;
        boolean comparison = false;
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : markdown.split("\n")) {
            String l = line.strip();
            if (l.startsWith("### ")) {
                heading = l.substring(4);
                settings = "";
                header = null;
                comparison = false;
                rows = new LinkedHashMap<>();
            } else if (l.startsWith("#### ")) {
                // A comparison appended to a run's table (a results file): its rows are not the run's.
                comparison = true;
                header = null;
            } else if (l.matches("\\d+ users, \\d+ connections, .*")) {
                settings = l.replaceAll(", server pool.*", "") + ", generator " + generator(l);
            } else if (l.startsWith("| scenario |") && !comparison) {
                header = cells(l);
            } else if (header != null && l.startsWith("|") && !l.startsWith("|---")) {
                List<String> cells = cells(l);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < Math.min(header.size(), cells.size()); i++) {
                    row.put(header.get(i), cells.get(i).replace("**", ""));
                }
                if (row.containsKey("scenario") && row.containsKey("store")) {
                    rows.put(row.get("scenario") + "/" + row.get("store"), row);
                }
            }
        }
        return new Table(heading, settings, rows);
    }

    private static final java.util.regex.Pattern GENERATOR = java.util.regex.Pattern.compile(", generator (\\w+)");

    /**
     * The load generator a run's settings line names; "virtual" for tables written before it was named (one virtual
     * thread per connection until the tenth round). The generator's own CPU moves every ratio (BENCHMARKS.md, tenth
     * round), so runs with different ones are said to differ.
     */
    static String generator(String settingsLine) {
        var m = GENERATOR.matcher(settingsLine);
        return m.find() ? m.group(1) : "virtual";
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        List<String> out = new ArrayList<>();
        for (String c : inner.split("\\|", -1)) {
            out.add(c.strip());
        }
        return out;
    }

    /**
     * The ratio a scenario's target is about: × HTTP for a read served from memory, × storage for everything else
     * (for a database read the HTTP ratio is a few percent and says nothing).
     */
    static String ratioColumn(Map<String, String> row) {
        return row.getOrDefault("ratio target", "").contains("no SQL") ? "× HTTP" : "× storage";
    }

    /** The verdict on one scenario: "within noise", "better: …" or "**check: …**". */
    static String verdict(double ratioThen, double ratioNow, double cpuThen, double cpuNow) {
        List<String> flags = new ArrayList<>();
        double ratioChange = ratioNow / ratioThen - 1;
        if (ratioChange < -RATIO_DROP) {
            flags.add(String.format(Locale.ROOT, "ratio %+.0f%%", 100 * ratioChange));
        }
        if (cpuThen > 0 && cpuNow / cpuThen - 1 > CPU_RISE) {
            flags.add(String.format(Locale.ROOT, "server CPU %+.0f%%", 100 * (cpuNow / cpuThen - 1)));
        }
        if (!flags.isEmpty()) {
            return "**check: " + String.join(", ", flags) + "**";
        }
        return ratioChange > RATIO_DROP ? String.format(Locale.ROOT, "better: ratio %+.0f%%", 100 * ratioChange)
                : "within noise";
    }

    /** The comparison as markdown; scenarios missing from either table are left out (and named). */
    static String compare(Table baseline, String baselineName, Table now) {
        StringBuilder sb = new StringBuilder();
        sb.append("#### Against ").append(baselineName).append(" (").append(baseline.heading()).append(")\n\n");
        if (!baseline.settings().equals(now.settings())) {
            sb.append("The runs differ: baseline ").append(baseline.settings()).append("; this run ")
                    .append(now.settings()).append(".\n\n");
        }
        sb.append(String.format(Locale.ROOT, "Ratios decide, not rates (machines differ; ratios to the same run's "
                + "anchors do not): a ratio %.0f%% under the baseline's or server CPU per request %.0f%% over it is "
                + "flagged. Rerun a flagged scenario before believing it.%n%n", 100 * RATIO_DROP, 100 * CPU_RISE));
        sb.append("| scenario | store | ratio then → now | req/s then → now | p99 ms then → now "
                + "| server CPU µs/req then → now | verdict |\n");
        sb.append("|---|---|--:|--:|--:|--:|---|\n");
        List<String> missing = new ArrayList<>();
        for (var e : now.rows().entrySet()) {
            Map<String, String> then = baseline.rows().get(e.getKey());
            Map<String, String> cur = e.getValue();
            if (then == null) {
                missing.add(e.getKey());
                continue;
            }
            String col = ratioColumn(cur);
            double rThen = number(then.get(col));
            double rNow = number(cur.get(col));
            double cpuThen = number(then.get("server CPU µs/req"));
            double cpuNow = number(cur.get("server CPU µs/req"));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s %s → %s | %s → %s | %s → %s | %s → %s | %s |%n",
                    cur.get("scenario"), cur.get("store"), col, then.get(col), cur.get(col),
                    then.get("req/s"), cur.get("req/s"), then.get("p99 ms"), cur.get("p99 ms"),
                    then.getOrDefault("server CPU µs/req", "–"), cur.getOrDefault("server CPU µs/req", "–"),
                    Double.isNaN(rThen) || Double.isNaN(rNow) ? "no ratio to compare"
                            : verdict(rThen, rNow, cpuThen, cpuNow)));
        }
        if (!missing.isEmpty()) {
            sb.append("\nNot in the baseline: ").append(String.join(", ", missing)).append(".\n");
        }
        return sb.toString();
    }

    /** A cell's number, or NaN for "–", an empty cell or a missing column. */
    static double number(String cell) {
        if (cell == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(cell.replace(",", "").strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
