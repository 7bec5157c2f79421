package io.accolade.api.oauth;

import static io.accolade.support.MobageFixture.BASE;
import static io.accolade.support.MobageFixture.TOKEN_EXCHANGE;
import static io.accolade.support.MobageFixture.USER_ID_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.MutableClock;
import io.accolade.support.ServerTest;
import io.accolade.support.StoreKind;
import io.accolade.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 5, point 5: user tokens through RFC 8693 token exchange, RFC 7009 revocation, expiry. */
class TokenApiTest extends ServerTest {
    private final MutableClock clock = new MutableClock(Instant.now());

    @Override
    protected TestServer startServer(StoreKind kind) {
        return TestServer.start(kind, clock, c -> c);
    }

    private static Map<String, String> exchange(String userId) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", TOKEN_EXCHANGE);
        form.put("subject_token", userId);
        form.put("subject_token_type", USER_ID_TYPE);
        return form;
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertOAuthError(Http.Resp r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).isEqualTo(code);
        assertThat(r.json().get("error_description").asText()).isNotBlank();
    }

    @Test
    void exchangesAUserIdForAnAccessTokenAndCreatesTheUser() {
        var app = newApp();
        assertThat(app.http().get("/v1/users/player-1").status()).isEqualTo(404);

        var r = app.http().postForm("/oauth2/token", exchange("player-1"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("Pragma")).isEqualTo("no-cache");
        var body = r.json();
        assertThat(body.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("access_token", "issued_token_type", "token_type", "expires_in");
        assertThat(body.get("issued_token_type").asText()).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
        String token = body.get("access_token").asText();
        assertThat(token).matches("[A-Za-z0-9]{43}");

        // The user exists now (as installing the app does), and the token acts for it.
        assertThat(app.http().get("/v1/users/player-1").status()).isEqualTo(200);
        var mine = http().withBearer(token).get(BASE + "/people/@me/@self/achievements/@app");
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        // Each exchange issues a new token; both stay valid.
        String second = app.http().postForm("/oauth2/token", exchange("player-1")).json().get("access_token").asText();
        assertThat(second).isNotEqualTo(token);
        assertThat(http().withBearer(token).get(BASE + "/people/@me/@self/achievements/@app").status()).isEqualTo(200);
    }

    @Test
    void aTokenWhoseKeyIsGoneIsRefusedEvenIfItsRowOutlivedTheKey() {
        var app = newApp();
        String token = app.http().postForm("/oauth2/token", exchange("late")).json().get("access_token").asText();
        assertThat(http().withBearer(token).get(BASE + "/people/@me/@self/achievements/@app").status()).isEqualTo(200);
        // What a token issued on another node in the moment before it saw the key's revocation leaves: the token's
        // row without its key (the revocation deleted the key and the tokens it knew of, and moved the configuration
        // version, which this node sees within its poll interval).
        server.behindTheServersBack("DELETE FROM api_keys WHERE app_id = '" + app.id() + "'",
                "UPDATE config_version SET version = version + 1 WHERE id = 1");
        long deleted = System.nanoTime();
        while (http().withBearer(token).get(BASE + "/people/@me/@self/achievements/@app").status() != 401) {
            assertThat(System.nanoTime() - deleted).as("refused once the version moved").isLessThan(1_000_000_000L);
            sleep(5);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void theClientMayAuthenticateWithHttpBasic() {
        var app = newApp();
        var other = newApp();
        var ok = http().with("Authorization", basic(app.id(), app.apiKey())).postForm("/oauth2/token",
                exchange("u1"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);

        var wrongSecret = http().with("Authorization", basic(app.id(), other.apiKey()))
                .postForm("/oauth2/token", exchange("u1"));
        assertOAuthError(wrongSecret, 401, "invalid_client");
        assertThat(wrongSecret.header("WWW-Authenticate")).startsWith("Basic");
        var garbage = http().with("Authorization", "Basic !!!").postForm("/oauth2/token", exchange("u1"));
        assertOAuthError(garbage, 401, "invalid_client");
        var both = app.http().with("Authorization", basic(app.id(), app.apiKey()))
                .postForm("/oauth2/token", exchange("u1"));
        assertOAuthError(both, 400, "invalid_request");
        assertOAuthError(http().postForm("/oauth2/token", exchange("u1")), 401, "invalid_client");
        assertOAuthError(http().withKey("AAAAAAAA." + "B".repeat(40)).postForm("/oauth2/token", exchange("u1")),
                401, "invalid_client");
    }

    @Test
    void malformedRequestsAreRfc6749Errors() {
        var app = newApp();
        Map<String, String> other = new LinkedHashMap<>(exchange("u1"));
        other.put("grant_type", "client_credentials");
        assertOAuthError(app.http().postForm("/oauth2/token", other), 400, "unsupported_grant_type");
        Map<String, String> code = Map.of("grant_type", "authorization_code", "code", "x");
        assertOAuthError(app.http().postForm("/oauth2/token", code), 400, "unsupported_grant_type");

        for (String missing : new String[] {"grant_type", "subject_token", "subject_token_type"}) {
            Map<String, String> form = new LinkedHashMap<>(exchange("u1"));
            form.remove(missing);
            var r = app.http().postForm("/oauth2/token", form);
            assertOAuthError(r, 400, "invalid_request");
            assertThat(r.json().get("error_description").asText()).contains("'" + missing + "'");
        }
        Map<String, String> wrongType = new LinkedHashMap<>(exchange("u1"));
        wrongType.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
        assertOAuthError(app.http().postForm("/oauth2/token", wrongType), 400, "invalid_request");
        assertOAuthError(app.http().postForm("/oauth2/token", exchange("@me")), 400, "invalid_request");
        assertOAuthError(app.http().postForm("/oauth2/token", exchange("a,b")), 400, "invalid_request");

        // JSON is not the token endpoint's format; a repeated parameter is ambiguous.
        assertOAuthError(app.http().post("/oauth2/token", exchange("u1")), 400, "invalid_request");
        var repeated = app.http().with("Content-Type", "application/x-www-form-urlencoded").send("POST",
                "/oauth2/token", "grant_type=" + TOKEN_EXCHANGE + "&subject_token=a&subject_token=b"
                        + "&subject_token_type=" + USER_ID_TYPE);
        assertOAuthError(repeated, 400, "invalid_request");
        // A wrong method is answered in the OAuth shape too.
        var get = app.http().get("/oauth2/token");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.json().get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void revokedTokensStopWorkingAndRevocationAlwaysAnswers200() {
        var app = newApp();
        var other = newApp();
        MobageFixture m = new MobageFixture(server, app);
        String token = m.token("u1");
        Http as = http().withBearer(token);
        String path = BASE + "/people/@me/@self/achievements/@app";
        assertThat(as.get(path).status()).isEqualTo(200);

        // Another app cannot revoke it (RFC 7009: only the client it was issued to), but is told 200.
        var foreign = other.http().postForm("/oauth2/revoke", Map.of("token", token));
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(as.get(path).status()).isEqualTo(200);

        var revoked = http().with("Authorization", basic(app.id(), app.apiKey()))
                .postForm("/oauth2/revoke", Map.of("token", token, "token_type_hint", "access_token"));
        assertThat(revoked.status()).isEqualTo(200);
        var after = as.get(path);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("Error").get("Message").asText()).contains("revoked");
        assertThat(after.header("WWW-Authenticate")).contains("invalid_token");

        assertThat(app.http().postForm("/oauth2/revoke", Map.of("token", token)).status()).isEqualTo(200);
        assertThat(app.http().postForm("/oauth2/revoke", Map.of("token", "no-such-token")).status()).isEqualTo(200);
        assertOAuthError(app.http().postForm("/oauth2/revoke", Map.of()), 400, "invalid_request");
        assertOAuthError(http().postForm("/oauth2/revoke", Map.of("token", token)), 401, "invalid_client");
    }

    /**
     * A token's row is kept in memory after its first check, so that every Mobage call does not read it again; its
     * revocation ends the kept row at once. The expiry written behind the server's back (unannounced, as no write of
     * the server's would be) shows that the second call was answered from memory, not from the row.
     */
    @Test
    void aTokenInUseIsCheckedFromMemoryAndItsRevocationEndsThatAtOnce() {
        var app = newApp();
        String token = new MobageFixture(server, app).token("u1");
        Http as = http().withBearer(token);
        String path = BASE + "/people/@me/@self/achievements/@app";
        server.awaitCacheTrusted();
        assertThat(as.get(path).status()).isEqualTo(200);

        server.behindTheServersBack("UPDATE access_tokens SET expires_at = 0 WHERE app_id = '" + app.id() + "'");
        assertThat(as.get(path).status()).as("answered from the row kept in memory").isEqualTo(200);
        // Back to a live row, so that only the revocation can end it.
        server.behindTheServersBack("UPDATE access_tokens SET expires_at = 9000000000000 WHERE app_id = '"
                + app.id() + "'");

        assertThat(app.http().postForm("/oauth2/revoke", Map.of("token", token)).status()).isEqualTo(200);
        assertThat(as.get(path).status()).isEqualTo(401);
    }

    @Test
    void revokingTheApiKeyRevokesTheTokensItObtained() {
        var app = newApp();
        var second = admin().post("/admin/v1/apps/" + app.id() + "/keys", null).json();
        Http secondKey = http().withKey(second.get("apiKey").asText());
        String viaSecond = secondKey.postForm("/oauth2/token", exchange("u1")).json().get("access_token").asText();
        String viaFirst = new MobageFixture(server, app).token("u1");
        String path = BASE + "/people/@me/@self/achievements/@app";
        assertThat(http().withBearer(viaSecond).get(path).status()).isEqualTo(200);

        assertThat(admin().delete("/admin/v1/apps/" + app.id() + "/keys/" + second.get("id").asText()).status())
                .isEqualTo(200);
        assertThat(http().withBearer(viaSecond).get(path).status()).isEqualTo(401);
        assertThat(http().withBearer(viaFirst).get(path).status()).isEqualTo(200);

        // Deleting the app ends every token of it.
        assertThat(admin().delete("/admin/v1/apps/" + app.id()).status()).isEqualTo(200);
        assertThat(http().withBearer(viaFirst).get(path).status()).isEqualTo(401);
    }

    @Test
    void tokensExpireAfterTheirTtl() {
        var app = newApp();
        String token = new MobageFixture(server, app).token("u1");
        String path = BASE + "/people/@me/@self/achievements/@app";
        clock.advance(Duration.ofMinutes(59));
        assertThat(http().withBearer(token).get(path).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        var expired = http().withBearer(token).get(path);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("Error").get("Message").asText()).contains("expired");
        // A new exchange works again (and clears the dead token away).
        String fresh = new MobageFixture(server, app).token("u1");
        assertThat(http().withBearer(fresh).get(path).status()).isEqualTo(200);
        assertThat(http().withBearer(token).get(path).status()).isEqualTo(401);
    }
}
