package io.accolade.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/** The machine line and the results table (markdown, also printed). */
final class Report {
    record Row(Scenarios.Scenario scenario, String store, Measure.Result http, Measure.Result live,
               Measure.Result storage, long rssMiB, int anchorConnections, double serverCpuUs, double pgCpuUs,
               double anchorPgCpuUs, double clientCpuUs, double anchorClientCpuUs) {
    }

    static String machine(Main.Options o) {
        String cpu = "?";
        String ram = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            ram = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> (Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024) + " GiB")
                    .orElse("?");
        } catch (IOException e) {
            // leave "?"
        }
        String pg = "n/a";
        if (o.stores.contains("postgres")) {
            try (Connection c = DriverManager.getConnection(o.pgBase + "postgres", o.pgUser, o.pgPassword);
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
                rs.next();
                pg = "PostgreSQL " + rs.getString(1);
            } catch (Exception e) {
                pg = "PostgreSQL unreachable: " + e.getMessage();
            }
        }
        return String.format(Locale.ROOT, "machine: nproc=%d, CPU %s, RAM %s, JDK %s (%s), %s, SQLite (xerial %s)",
                Runtime.getRuntime().availableProcessors(), cpu, ram, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), pg, org.sqlite.SQLiteJDBCLoader.getVersion());
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static String table(Main.Options o, String machine, String loadBefore, String loadAfter, List<Row> rows,
                        List<String> notes) {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(o.label.isEmpty() ? "bench/run" : o.label).append(" — ")
                .append(java.time.LocalDateTime.now().withNano(0)).append("\n\n");
        sb.append(machine).append("  \n");
        sb.append(String.format(Locale.ROOT, "%d users, %d connections, %.0f s warm-up + %.0f s measured per "
                + "scenario, server pool %d, generator %s, ACCOLADE_JAVA_OPTS='%s'%s, load average before: "
                + "%s, after: %s%n%n",
                o.users, o.connections, o.warmup, o.duration, o.poolSize, o.generator, o.javaOpts,
                o.pgParams.isEmpty() ? "" : ", PostgreSQL URL parameters '" + o.pgParams + "'", loadBefore, loadAfter));
        sb.append("| scenario | store | req/s | p50 ms | p99 ms | p99.9 ms | errors | HTTP limit req/s | × HTTP "
                + "| storage limit ops/s | × storage | server CPU µs/req | PG CPU µs/req (HTTP / anchor) | bench CPU µs/req (generator / anchor loop) "
                + "| server RSS MiB "
                + "| ratio target | ratio met | p99 ≤ 25 ms, 0 errors |\n");
        sb.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|\n");
        for (Row r : rows) {
            double xHttp = r.http().rps() / r.live().rps();
            double xStore = r.http().rps() / r.storage().rps();
            boolean latencyOk = r.http().ms(99) <= 25 && r.http().errors() == 0;
            String target;
            boolean met;
            if (r.scenario().write()) {
                target = r.store().equals("postgres") ? "≥0.7×storage" : "≥0.7×storage (SQLite: informative)";
                met = xStore >= 0.7;
            } else if (!r.scenario().sqlPerRequest()) {
                // Served from memory: there is no per-request SQL to compare with (the storage column is a refresh).
                target = "≥0.5×HTTP (no SQL per request)";
                met = xHttp >= 0.5;
            } else {
                target = "≥0.5×HTTP or ≥0.8×storage";
                met = xHttp >= 0.5 || xStore >= 0.8;
            }

            sb.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.2f | %d | %.0f | %.2f | %.0f | "
                            + "%.2f | %s | %s | %s | %d | %s | %s | %s |%n", r.scenario().name(), r.store(), r.http().rps(),
                    r.http().ms(50), r.http().ms(99), r.http().ms(99.9), r.http().errors(), r.live().rps(), xHttp,
                    r.storage().rps(), xStore, num(r.serverCpuUs()),
                    Double.isNaN(r.pgCpuUs()) ? "–" : num(r.pgCpuUs()) + " / " + num(r.anchorPgCpuUs()),
                    num(r.clientCpuUs()) + " / " + num(r.anchorClientCpuUs()), r.rssMiB(),
                    target, met ? "yes" : "**no**", latencyOk ? "yes" : "**no**"));
        }
        sb.append("\nstorage limit = the scenario's SQL statements in a JDBC closed loop with the same ")
                .append(o.connections).append(" workers");
        if (rows.stream().anyMatch(r -> r.anchorConnections() > 0)) {
            sb.append(" on ").append(rows.stream().filter(r -> r.anchorConnections() > 0).findFirst().get()
                    .anchorConnections()).append(" PostgreSQL connections (as many as the server's pool)");
        }
        sb.append("; SQLite: one writer connection / the server's reader pool size; ")
                .append(switch (o.anchorThreads) {
                    case "platform" -> "the SQL runs on one platform thread per connection (--anchor-threads platform)";
                    case "virtual" -> "the workers run the SQL themselves (--anchor-threads virtual)";
                    default -> "as in the server, PostgreSQL transactions run on one platform thread per connection";
                });
        sb.append(". The latency target (p99 ≤ 25 ms, "
                + "zero errors) is its own column.\n");
        for (String n : notes) {
            sb.append("\n").append(n).append("  ");
        }
        return sb.toString();
    }
}
