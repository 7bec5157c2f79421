package io.accolade.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.server.Accolade;
import io.accolade.support.Http;
import io.accolade.support.MutableClock;
import io.accolade.support.ServerTest;
import io.accolade.support.StoreKind;
import io.accolade.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 6, point 6: per-key limits with 429 and the RateLimit/Retry-After headers, shared by all nodes. */
class RateLimitTest extends ServerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    @Override
    protected TestServer startServer(StoreKind kind) {
        return TestServer.start(kind, clock, c -> c.withRateLimit(5, 5));
    }

    private static int count(Http http, int requests, int status) {
        int n = 0;
        for (int i = 0; i < requests; i++) {
            if (http.get("/v1/achievements").status() == status) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aKeyGetsItsBurstThen429UntilTheBucketRefills() {
        clock.advance(Duration.ofHours(1));
        var app = newApp();
        assertThat(count(app.http(), 5, 200)).isEqualTo(5);
        var refused = app.http().get("/v1/achievements");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("error").asText()).contains("rate limit");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.header("RateLimit-Limit")).isEqualTo("5");
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(refused.header("RateLimit-Policy")).isNotBlank();
        clock.advance(Duration.ofMillis(400));       // 2 tokens back at 5/s
        assertThat(count(app.http(), 4, 200)).isEqualTo(2);
        clock.advance(Duration.ofSeconds(10));       // refills to the burst, not beyond
        assertThat(count(app.http(), 8, 200)).isEqualTo(5);
    }

    @Test
    void keysAreLimitedSeparately() {
        clock.advance(Duration.ofHours(1));
        var a = newApp();
        var b = newApp();
        assertThat(count(a.http(), 7, 200)).isEqualTo(5);
        assertThat(count(b.http(), 5, 200)).isEqualTo(5);
    }

    @Test
    void theLimitHoldsAcrossTwoNodesOnOneDatabase() {
        org.junit.jupiter.api.Assumptions.assumeTrue(store == StoreKind.POSTGRES, "several nodes need PostgreSQL");
        clock.advance(Duration.ofHours(1));
        var app = newApp();
        try (Accolade second = Accolade.start(server.app.config(), clock)) {
            Http other = new Http("http://127.0.0.1:" + second.port()).withKey(app.apiKey());
            int ok = 0;
            for (int i = 0; i < 6; i++) {
                ok += app.http().get("/v1/achievements").status() == 200 ? 1 : 0;
                ok += other.get("/v1/achievements").status() == 200 ? 1 : 0;
            }
            assertThat(ok).isEqualTo(5);
        }
    }
}
