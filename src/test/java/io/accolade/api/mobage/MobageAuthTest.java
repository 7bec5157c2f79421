package io.accolade.api.mobage;

import static io.accolade.support.MobageFixture.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.ServerTest;
import io.accolade.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 5, point 5: who may call the Mobage dialect, and for whom. Every answer is a Mobage error body. */
class MobageAuthTest extends ServerTest {
    private static final String MINE = BASE + "/people/@me/@self/achievements/@app";

    private static void assertMobageError(Http.Resp r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("Error").get("Message").asText()).isNotBlank();
    }

    @Test
    void noOrBadCredentialsAre401() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("a1");
        var none = http().get(MINE);
        assertMobageError(none, 401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertMobageError(http().withBearer("x".repeat(43)).get(MINE), 401);
        assertMobageError(http().withBearer("not-a-token").get(MINE), 401);
        assertMobageError(http().withBearer(TestServer.ADMIN_TOKEN).get(MINE), 401);
        assertMobageError(http().with("Authorization", "Basic Zm9vOmJhcg==").get(MINE), 401);
        // OAuth 1.0a parameters are not a token.
        assertMobageError(http().with("Authorization", "OAuth oauth_consumer_key=\"x\", oauth_signature=\"y\"")
                .get(MINE), 401);
        assertMobageError(http().put(MINE + "/a1?fields=state", Map.of("state", "UNLOCKED")), 401);
        assertMobageError(http().post(MINE + "/a1/increment", Map.of("steps", 1)), 401);
        assertMobageError(http().get(BASE + "/achievements/@app"), 401);
    }

    @Test
    void theSeedsOAuthSchemeIsAcceptedLikeBearer() {
        MobageFixture m = new MobageFixture(server, newApp());
        String token = m.token("u1");
        assertThat(http().with("Authorization", "OAuth " + token).get(MINE).status()).isEqualTo(200);
        assertThat(http().with("Authorization", "bearer " + token).get(MINE).status()).isEqualTo(200);
    }

    @Test
    void anAppCredentialAloneIsTheUnsupportedClientCredentialsModel() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.api("a1");
        for (Http.Resp r : new Http.Resp[] {
            m.app.http().get(MINE),
            m.app.http().get(BASE + "/people/u1/@self/achievements/@app/a1"),
            m.app.http().put(MINE + "/a1?fields=state", Map.of("state", "UNLOCKED")),
            m.app.http().post(MINE + "/a1/increment", Map.of("steps", 1)),
            m.app.http().get(BASE + "/achievements/@app")}) {
            assertMobageError(r, 405);
            assertThat(r.json().get("Error").get("Message").asText())
                    .startsWith("Client Credentials Grant is not supported");
        }
        // An invalid key is no credential at all.
        assertMobageError(http().withKey("AAAAAAAA." + "B".repeat(40)).get(MINE), 401);
        // With a user token as well, the token decides.
        assertThat(m.app.http().withBearer(m.token("u1")).get(MINE).status()).isEqualTo(200);
    }

    @Test
    void tokensArePerAppAndWritesPerUser() {
        MobageFixture a = new MobageFixture(server, newApp());
        MobageFixture b = new MobageFixture(server, newApp());
        a.api("a1");
        b.api("a1");
        Http alice = a.as("alice");
        Http bobOfB = b.as("bob");
        assertThat(a.as("carol").put(MINE + "/a1?fields=state", Map.of("state", "UNLOCKED")).status())
                .isEqualTo(200);
        assertThat(bobOfB.put(MINE + "/a1?fields=state", Map.of("state", "UNLOCKED")).status()).isEqualTo(200);

        // The app's own id works like @app; another app's id is forbidden, whatever the call.
        assertThat(alice.get(BASE + "/people/@me/@self/achievements/" + a.app.id()).status()).isEqualTo(200);
        String otherApp = BASE + "/people/@me/@self/achievements/" + b.app.id();
        assertMobageError(alice.get(otherApp), 403);
        assertMobageError(alice.get(otherApp + "/a1"), 403);
        assertMobageError(alice.put(otherApp + "/a1?fields=state", Map.of("state", "UNLOCKED")), 403);
        assertMobageError(alice.post(otherApp + "/a1/increment", Map.of("steps", 1)), 403);
        assertMobageError(alice.get(BASE + "/achievements/" + b.app.id()), 403);
        assertMobageError(alice.get(BASE + "/achievements/no-such-app"), 403);

        // Users are per app: app B's user is unknown to a token of app A.
        assertMobageError(alice.get(BASE + "/people/bob/@self/achievements/@app"), 404);
        assertMobageError(alice.get(BASE + "/people/bob/@self/achievements/@app/a1"), 404);

        // Reading another user of the same app is allowed; writing is not.
        assertThat(alice.get(BASE + "/people/carol/@self/achievements/@app/a1").status()).isEqualTo(200);
        assertMobageError(alice.put(BASE + "/people/carol/@self/achievements/@app/a1?fields=state",
                Map.of("state", "UNLOCKED")), 403);
        assertMobageError(alice.post(BASE + "/people/carol/@self/achievements/@app/a1/increment",
                Map.of("steps", 1)), 403);
        assertMobageError(alice.put(BASE + "/people/alice,carol/@self/achievements/@app/a1?fields=state",
                Map.of("state", "UNLOCKED")), 403);
        // The viewer's own id works like @me.
        var own = alice.put(BASE + "/people/alice/@self/achievements/@app/a1?fields=state",
                Map.of("state", "UNLOCKED"));
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(own.json().get("userId").asText()).isEqualTo("alice");
    }
}
