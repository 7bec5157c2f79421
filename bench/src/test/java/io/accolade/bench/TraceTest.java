package io.accolade.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceTest {
    @Test
    void statementsAreTakenFromTheBenchDatabaseOnlyAndNormalized() {
        List<String> log = List.of(
                "2026-12-01 14:17:01.100 UTC [4242] postgres@accolade_bench LOG:  execute S_1: BEGIN",
                "2026-12-01 14:17:01.101 UTC [4242] postgres@accolade_bench LOG:  execute <unnamed>: INSERT INTO t "
                        + "(a, b) VALUES ($1, $2),($3, $4), ($5, $6) ON CONFLICT (a) DO NOTHING",
                "2026-12-01 14:17:01.101 UTC [4242] postgres@accolade_bench DETAIL:  parameters: $1 = 'x', $2 = 'y'",
                "2026-12-01 14:17:01.102 UTC [4242] postgres@accolade_bench LOG:  execute S_2: SELECT  x FROM t "
                        + "WHERE a = $1 AND b > $12",
                "2026-12-01 14:17:01.103 UTC [777] postgres@other_db LOG:  statement: SELECT 1",
                "2026-12-01 14:17:01.104 UTC [4243] postgres@accolade_bench LOG:  statement: COMMIT");

        Map<Long, List<String>> byPid = Trace.statements(log, "accolade_bench");

        assertThat(byPid).containsOnlyKeys(4242L, 4243L);
        assertThat(byPid.get(4242L)).containsExactly("BEGIN",
                "INSERT INTO t (a, b) VALUES (…) ON CONFLICT (a) DO NOTHING", "SELECT x FROM t WHERE a = ? AND b > ?");
        assertThat(byPid.get(4243L)).containsExactly("COMMIT");
    }

    @Test
    void aStatementTheAnchorLacksIsReportedAndRareBackgroundStatementsAreNot() {
        Map<String, Integer> server = Map.of("BEGIN", 100, "INSERT INTO lengths", 100, "SELECT version", 2);
        Map<String, Integer> anchor = Map.of("BEGIN", 100);

        List<Trace.Line> lines = Trace.compare(server, 100, anchor, 100);
        String report = Trace.report("event-chain", true, lines, 100);

        assertThat(lines).filteredOn(l -> !l.matches()).extracting(Trace.Line::statement)
                .containsExactly("INSERT INTO lengths");
        assertThat(report).contains("**the anchor differs from the server**")
                .contains("| `INSERT INTO lengths` | 1.00 | 0.00 | **differs** |")
                .contains("| `SELECT version` | 0.02 | 0.00 |  |");
        assertThat(Trace.report("x", true, Trace.compare(anchor, 100, anchor, 100), 100))
                .contains("the anchor runs the server's statements");
    }
}
