package io.accolade.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.auth.Secrets;
import io.accolade.server.Main;
import io.accolade.support.DbSnapshot;
import io.accolade.support.Http;
import io.accolade.support.StoreKind;
import io.accolade.support.Stores;
import io.accolade.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, point 5: a full run — apps, keys, admin calls, events, completions, the Mobage token exchange and calls,
 * a revoked token, a revoked key, and failed attempts with wrong keys, tokens and admin tokens — while every log
 * record of every logger (at level ALL, libraries included) and everything written to standard output and error is
 * captured. No API key, admin token, user token, nor the secret half of a key, nor any wrongly sent credential
 * appears in it. In the store, keys and tokens exist only as their SHA-256. The same flow against the real
 * {@code main} in a child JVM (production logging, a database password set) checks its whole output too.
 */
class SecretsTest {
    private static final String ADMIN_TOKEN = "secrets-test-admin-token-9f8e7d6c5b4a";
    private static final String DB_PASSWORD = "db-password-7a6b5c4d3e2f";

    /** What a flow used: the secrets that must never be logged, and the hashes the store should hold. */
    record Used(List<String> secrets, List<String> keys, List<String> tokens) {
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("io.accolade.support.Stores#available")
    void noSecretIsLoggedOrStoredInClear(StoreKind kind) throws Exception {
        Logger root = Logger.getLogger("");
        Level rootLevel = root.getLevel();
        StringBuilder log = new StringBuilder();
        Handler capture = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public synchronized void publish(LogRecord r) {
                log.append(format.format(r));
                // Parameters are part of what a handler may print even when the message does not use them.
                if (r.getParameters() != null) {
                    for (Object p : r.getParameters()) {
                        log.append(' ').append(p);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        root.addHandler(capture);
        root.setLevel(Level.ALL);
        System.setOut(new PrintStream(new Tee(out, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, console), true, StandardCharsets.UTF_8));
        TestServer server = null;
        Used used;
        try {
            server = TestServer.start(kind, Clock.systemUTC(), c -> c.withAdminToken(ADMIN_TOKEN));
            used = flow(server.http);
            var rows = DbSnapshot.take(server.app.database().writerDataSource(), Map.of());
            checkStore(rows.toString(), used);
        } finally {
            if (server != null) {
                server.close();
            }
            System.setOut(out);
            System.setErr(err);
            root.removeHandler(capture);
            root.setLevel(rootLevel);
        }
        String all = log + "\n" + console.toString(StandardCharsets.UTF_8);
        System.out.printf("[secrets %s] %d characters of log and console output scanned for %d secrets%n", kind,
                all.length(), used.secrets().size());
        assertThat(all.length()).as("something was captured").isGreaterThan(1000);
        for (String s : used.secrets()) {
            assertThat(all).as("log output must not hold a secret").doesNotContain(s);
        }
    }

    /**
     * The real main in a child JVM, logging as in production: its whole stdout and stderr hold no secret. On
     * PostgreSQL when available (it also shows that the database password is never printed), else on SQLite.
     */
    @org.junit.jupiter.api.Test
    void theServerProcessOutputHoldsNoSecret() throws Exception {
        StoreKind kind = Stores.available().getLast();
        var store = TestServer.StoreConfig.fresh(kind);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--port", String.valueOf(port), "--host", "127.0.0.1"));
        if (kind == StoreKind.POSTGRES) {
            // PostgreSQL here trusts local connections, so a password is accepted and never checked: enough to see
            // that the server does not print it (nor the URL's password parameter).
            cmd.addAll(List.of("--db-url", Stores.schemaUrl(store.schema()) + "&password=" + DB_PASSWORD,
                    "--db-user", Stores.PG_USER, "--db-password", DB_PASSWORD));
        } else {
            cmd.addAll(List.of("--data-dir", store.dir().resolve("data").toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(store.dir().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("ACCOLADE_"));
        pb.environment().put("ACCOLADE_ADMIN_TOKEN", ADMIN_TOKEN);
        Path output = store.dir().resolve("output.log");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        Process p = pb.start();
        Used used;
        String all;
        try {
            Http http = new Http("http://127.0.0.1:" + port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                assertThat(p.isAlive()).as("server running: " + Files.readString(output)).isTrue();
                try {
                    if (http.get("/health").status() == 200) {
                        break;
                    }
                } catch (RuntimeException e) {
                    assertThat(System.nanoTime()).as("server start").isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
            used = flow(http);
            p.destroy();                                      // SIGTERM: the shutdown report is output too
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            all = Files.readString(output);
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            store.cleanUp();
        }
        System.out.printf("[secrets %s] server process output (%d characters) scanned for %d secrets%n", kind,
                all.length(), used.secrets().size() + 1);
        assertThat(all).contains("Accolade started").contains("stopped");
        List<String> secrets = new ArrayList<>(used.secrets());
        secrets.add(DB_PASSWORD);
        for (String s : secrets) {
            assertThat(all).as("server output must not hold a secret").doesNotContain(s);
        }
    }

    /** Apps, keys, definitions, events, Mobage tokens, revocations and failed attempts; returns what it used. */
    static Used flow(Http http) {
        List<String> secrets = new ArrayList<>(List.of(ADMIN_TOKEN));
        List<String> keys = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        Http admin = http.withBearer(ADMIN_TOKEN);
        String key = expect(admin.post("/admin/v1/apps", Map.of("id", "sec", "name", "Secrets")), 201)
                .json().get("apiKey").asText();
        var second = expect(admin.post("/admin/v1/apps/sec/keys", null), 201).json();
        String key2 = second.get("apiKey").asText();
        keys.addAll(List.of(key, key2));
        expect(admin.get("/admin/v1/apps/sec/keys"), 200);
        expect(admin.get("/admin/v1/apps"), 200);
        Http app = http.withKey(key);
        expect(app.put("/admin/v1/apps/sec/metrics/m", Map.of("name", "M")), 201);
        expect(admin.put("/admin/v1/apps/sec/achievements/ten", Map.of("name", "Ten", "trigger", "metric",
                "metricKey", "m", "metricValue", 10)), 201);
        expect(app.put("/admin/v1/apps/sec/achievements/api", Map.of("name", "Api", "trigger", "api",
                "totalSteps", 3)), 201);
        expect(app.put("/v1/users/u1", Map.of("name", "U1", "email", "u1@example.com", "subscribeToEmails", true)),
                200, 201);
        expect(app.with("Idempotency-Key", "k-1").post("/v1/metrics/m/event",
                Map.of("user", Map.of("id", "u1"), "value", 12)), 201);
        expect(app.with("Idempotency-Key", "k-1").post("/v1/metrics/m/event",
                Map.of("user", Map.of("id", "u1"), "value", 12)), 202);
        expect(http.withKey(key2).post("/v1/achievements/api/complete", Map.of("user", Map.of("id", "u2"))), 201);
        expect(app.get("/v1/users/u1/achievements"), 200);
        expect(app.get("/v1/achievements"), 200);

        // Mobage: token exchanges with both client authentications, calls with both schemes, a revocation.
        String basic = "Basic " + Base64.getEncoder().encodeToString(("sec:" + key).getBytes(StandardCharsets.UTF_8));
        String token = expect(http.with("Authorization", basic).postForm("/oauth2/token", exchange("u1")), 200)
                .json().get("access_token").asText();
        String token2 = expect(app.postForm("/oauth2/token", exchange("u2")), 200).json().get("access_token").asText();
        tokens.addAll(List.of(token, token2));
        String mobage = "/social/api/restful/v2/people/@me/@self/achievements/@app";
        expect(http.withBearer(token).get(mobage), 200);
        expect(http.with("Authorization", "OAuth " + token).post(mobage + "/api/increment", Map.of("steps", 1)), 200);
        expect(http.withBearer(token2).put(mobage + "/api", Map.of("steps", 3)), 200, 409);
        expect(app.postForm("/oauth2/revoke", Map.of("token", token2)), 200);
        expect(http.withBearer(token2).get(mobage), 401);

        // A revoked key, then failed attempts with wrong credentials of every kind.
        expect(admin.delete("/admin/v1/apps/sec/keys/" + second.get("id").asText()), 200);
        expect(http.withKey(key2).get("/v1/achievements"), 401);
        String wrongSecret = key.substring(0, 9) + "Z".repeat(40);
        String wrongAdmin = ADMIN_TOKEN + "-wrong";
        String wrongToken = token.substring(0, token.length() - 4) + "Zz9Q";
        expect(http.withKey(wrongSecret).get("/v1/achievements"), 401);
        expect(http.withKey(key + "x").get("/v1/achievements"), 401);
        expect(http.withBearer(wrongAdmin).get("/admin/v1/apps"), 401);
        expect(http.withBearer(key).get("/admin/v1/apps"), 401);
        expect(http.withBearer(wrongToken).get(mobage), 401);
        String wrongBasic = Base64.getEncoder().encodeToString(("sec:" + wrongSecret).getBytes(StandardCharsets.UTF_8));
        expect(http.with("Authorization", "Basic " + wrongBasic).postForm("/oauth2/token", exchange("u3")), 401);
        expect(http.withKey(key).with("Authorization", "Basic " + wrongBasic)
                .postForm("/oauth2/token", exchange("u3")), 400);

        for (String k : keys) {
            secrets.add(k);
            secrets.add(k.substring(k.indexOf('.') + 1));           // the secret half alone
        }
        secrets.addAll(tokens);
        secrets.addAll(List.of(wrongSecret, wrongSecret.substring(9), key + "x", wrongAdmin, wrongToken, basic,
                basic.substring(6), wrongBasic));
        return new Used(secrets, keys, tokens);
    }

    /** Every row of every table: no secret in clear, and each key and token there as its SHA-256. */
    static void checkStore(String rows, Used used) {
        for (String s : used.secrets()) {
            assertThat(rows).as("a secret stored in clear").doesNotContain(s);
        }
        assertThat(rows).contains("secret_hash=" + Secrets.sha256Hex(used.keys().getFirst()));
        assertThat(rows).contains("token_hash=" + Secrets.sha256Hex(used.tokens().getFirst()));
    }

    private static Map<String, String> exchange(String user) {
        return Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", user,
                "subject_token_type", "urn:accolade:params:oauth:token-type:user-id");
    }

    private static Http.Resp expect(Http.Resp r, Integer... statuses) {
        assertThat(r.status()).as(r.toString()).isIn((Object[]) statuses);
        return r;
    }

    /** Writes to the original stream and to a copy. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final ByteArrayOutputStream b;

        Tee(java.io.OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
        }
    }
}
