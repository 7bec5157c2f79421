package io.accolade.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BaselineTest {
    private static final String HEADER = "| scenario | store | req/s | p50 ms | p99 ms | p99.9 ms | errors "
            + "| HTTP limit req/s | × HTTP | storage limit ops/s | × storage | server CPU µs/req "
            + "| PG CPU µs/req (HTTP / anchor) | bench CPU µs/req (generator / anchor loop) | server RSS MiB "
            + "| ratio target | ratio met | p99 ≤ 25 ms, 0 errors |\n"
            + "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|\n";

    private static String run(String heading, String settings, String... rows) {
        return "### " + heading + "\n\nmachine: nproc=2  \n" + settings + ", server pool 5, ACCOLADE_JAVA_OPTS=''\n\n"
                + HEADER + String.join("\n", rows) + "\n\nstorage limit = ...\n";
    }

    private static String row(String scenario, String store, int rps, double p99, double xHttp, double xStorage,
                              String cpu, String target) {
        return "| " + scenario + " | " + store + " | " + rps + " | 10.00 | " + p99 + " | 50.00 | 0 | 40000 | "
                + xHttp + " | 5000 | " + xStorage + " | " + cpu + " | 200 / 190 | 80 / 90 | 300 | " + target
                + " | **no** | **no** |";
    }

    private static final String SETTINGS = "10000 users, 64 connections, 4 s warm-up + 12 s measured per scenario";

    @Test
    void aRatioThatFellBeyondTheNoiseIsFlaggedAndOneWithinItIsNot() {
        Baseline.Table then = Baseline.parse(run("final — 2026-12-01T15:00", SETTINGS,
                row("user-achievements", "postgres", 3000, 38.1, 0.08, 0.60, "300", "≥0.5×HTTP or ≥0.8×storage"),
                row("streak", "postgres", 2000, 44.0, 0.05, 0.70, "250", "≥0.5×HTTP or ≥0.8×storage")));
        Baseline.Table now = Baseline.parse(run("later — 2026-12-02T10:00", SETTINGS,
                row("user-achievements", "postgres", 3100, 36.0, 0.08, 0.45, "310", "≥0.5×HTTP or ≥0.8×storage"),
                row("streak", "postgres", 1900, 45.0, 0.05, 0.66, "260", "≥0.5×HTTP or ≥0.8×storage")));

        String md = Baseline.compare(then, "bench/baseline.md", now);

        assertThat(md).contains("(final — 2026-12-01T15:00)").doesNotContain("The runs differ");
        assertThat(line(md, "| user-achievements |"))
                .contains("× storage 0.6 → 0.45").contains("3000 → 3100").contains("**check: ratio -25%**");
        assertThat(line(md, "| streak |")).endsWith("| within noise |");
    }

    @Test
    void aReadServedFromMemoryIsJudgedByItsHttpRatioAndServerCpuIsFlaggedOnItsOwn() {
        String target = "≥0.5×HTTP (no SQL per request)";
        Baseline.Table then = Baseline.parse(run("a", SETTINGS,
                row("achievements", "sqlite", 18000, 10.0, 0.50, 9.0, "40", target),
                row("event-no-unlock", "postgres", 900, 120.0, 0.02, 0.75, "400", "≥0.7×storage")));
        Baseline.Table now = Baseline.parse(run("b", SETTINGS,
                row("achievements", "sqlite", 24000, 9.0, 0.62, 2.0, "41", target),
                row("event-no-unlock", "postgres", 880, 121.0, 0.02, 0.74, "540", "≥0.7×storage")));

        String md = Baseline.compare(then, "x.md", now);

        // × storage fell from 9 to 2 (a refresh's SQL, not the request's): not what the target is about.
        assertThat(line(md, "| achievements |")).contains("× HTTP 0.5 → 0.62").contains("better: ratio +24%");
        assertThat(line(md, "| event-no-unlock |")).contains("**check: server CPU +35%**");
    }

    @Test
    void aResultsFileIsReadAtItsLastRunAndNotAtTheComparisonAppendedToIt() {
        String first = run("first", SETTINGS, row("streak", "sqlite", 100, 1.0, 0.01, 0.10, "1", "x"));
        String second = run("second", "1000000 users, 64 connections, 4 s warm-up + 12 s measured per scenario",
                row("streak", "sqlite", 200, 2.0, 0.02, 0.20, "2", "x"),
                row("mixed", "sqlite", 300, 3.0, 0.03, 0.30, "3", "x"));
        String appended = Baseline.compare(Baseline.parse(first), "old.md", Baseline.parse(second));

        Baseline.Table t = Baseline.parse(first + "\n" + second + appended);

        assertThat(t.heading()).isEqualTo("second");
        assertThat(t.rows().get("streak/sqlite")).containsEntry("req/s", "200").containsEntry("× storage", "0.2");
        assertThat(appended).contains("The runs differ: baseline 10000 users").contains("this run 1000000 users");
        assertThat(appended).contains("| streak | sqlite | × storage 0.1 → 0.2 |")
                .contains("Not in the baseline: mixed/sqlite.").doesNotContain("| mixed |");
    }

    @Test
    void runsWithDifferentLoadGeneratorsAreSaidToDiffer() {
        String row = row("streak", "sqlite", 100, 1.0, 0.01, 0.10, "1", "x");
        // Before the tenth round the settings line named no generator: it was one virtual thread per connection.
        Baseline.Table older = Baseline.parse(run("older", SETTINGS, row));
        Baseline.Table nio = Baseline.parse(run("nio", SETTINGS, row).replace(", server pool 5, ",
                ", server pool 5, generator nio, "));
        Baseline.Table virtual = Baseline.parse(run("virtual", SETTINGS, row).replace(", server pool 5, ",
                ", server pool 5, generator virtual, "));

        assertThat(Baseline.compare(older, "old.md", nio)).contains("The runs differ: baseline " + SETTINGS
                + ", generator virtual; this run " + SETTINGS + ", generator nio.");
        assertThat(Baseline.compare(older, "old.md", virtual)).doesNotContain("The runs differ");
    }

    private static String line(String md, String start) {
        return md.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow();
    }
}
