package io.accolade.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.ServerTest;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Issue 2, point 6: every error is JSON with a stable shape; 5xx are logged with the request id. */
class ErrorsTest extends ServerTest {

    @Test
    void unknownRouteIs404AndWrongMethodIs405WithAllow() {
        var r = http().get("/v2/nothing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isNotBlank();
        assertThat(r.header("Content-Type")).startsWith("application/json");
        var m = http().send("DELETE", "/v1/achievements", null);
        assertThat(m.status()).isEqualTo(405);
        assertThat(m.header("Allow")).isEqualTo("GET");
        assertThat(m.json().get("error").asText()).contains("DELETE");
    }

    @Test
    void malformedJsonIs400AndChangesNothing() {
        var app = newApp();
        admin().put("/admin/v1/apps/" + app.id() + "/metrics/m", Map.of("name", "M"));
        for (String bad : List.of("{", "[1,2]", "{\"user\":{\"id\":\"u\"},\"value\":NaN}", "{\"a\":1}{\"b\":2}",
                "{\"user\":{\"id\":\"u\"},\"value\":1,\"value\":2}", "", "\u0000")) {
            var r = app.http().post("/v1/metrics/m/event", bad);
            assertThat(r.status()).as("body %s", bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isNotBlank();
        }
        assertThat(app.http().get("/v1/users/u").status()).isEqualTo(404);
    }

    @Test
    void bodiesOverOneMebibyteAre413() {
        var app = newApp();
        String big = "{\"id\":\"u\",\"name\":\"" + "x".repeat((1 << 20) + 10) + "\"}";
        var r = app.http().post("/v1/users", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").asText()).contains("exceeds");
    }

    @Test
    void missingOrInvalidKeysAre401() {
        var none = http().get("/v1/achievements");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).contains("X-API-KEY");
        assertThat(http().withKey("abcdefgh.0123456789012345678901234567890123456789").get("/v1/achievements")
                .status()).isEqualTo(401);
        assertThat(http().withKey("garbage").get("/v1/achievements").status()).isEqualTo(401);
    }

    @Test
    void everyResponseCarriesARequestIdAndA500IsLoggedWithIt() throws Exception {
        var app = newApp();
        assertThat(app.http().put("/v1/users/broken", Map.of("name", "B")).status()).isEqualTo(200);
        // Corrupt the stored row behind the server's back: reading it is a server fault, not a client error.
        try (Connection c = server.app.database().writerDataSource().getConnection();
             var st = c.prepareStatement("UPDATE users SET attributes = ? WHERE user_id = ?")) {
            st.setString(1, "{not json");
            st.setString(2, "broken");
            st.executeUpdate();
        } catch (java.sql.SQLException e) {
            // PostgreSQL's JSONB refuses invalid JSON: corrupt another way.
            try (Connection c = server.app.database().writerDataSource().getConnection();
                 var st = c.prepareStatement("UPDATE users SET attributes = '[1]' WHERE user_id = ?")) {
                st.setString(1, "broken");
                st.executeUpdate();
            }
        }
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger http = Logger.getLogger("io.accolade.http");
        http.addHandler(capture);
        try {
            var r = app.http().get("/v1/users/broken");
            assertThat(r.status()).isEqualTo(500);
            String id = r.header("X-Request-Id");
            assertThat(id).isNotBlank();
            assertThat(r.json().get("requestId").asText()).isEqualTo(id);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(logged).anySatisfy(rec -> {
                assertThat(rec.getMessage()).contains(id);
                assertThat(rec.getThrown()).isNotNull();
            });
        } finally {
            http.removeHandler(capture);
        }
        assertThat(http().get("/health").header("X-Request-Id")).isNotBlank();
    }

    @Test
    void requestIdsAreDistinctPerRequestShareTheNodesPrefixAndAClientsOwnIsKept() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(http().get("/health/live").header("X-Request-Id"));
        }
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[0-9a-f]{12}-[0-9a-f]+"));
        assertThat(ids).extracting(id -> id.substring(0, 12)).containsOnly(ids.getFirst().substring(0, 12));
        assertThat(http().with("X-Request-Id", "trace-42").get("/health/live").header("X-Request-Id"))
                .isEqualTo("trace-42");
        // Not an id: answered with a fresh one, not echoed.
        assertThat(http().with("X-Request-Id", "a b").get("/health/live").header("X-Request-Id"))
                .matches("[0-9a-f]{12}-[0-9a-f]+");
    }
}
