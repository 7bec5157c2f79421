package io.accolade.api.mobage;

import static io.accolade.support.MobageFixture.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A user's {@code @self} records are read from memory until a write of that user (MobageService#recordsOf): all of
 * them are kept, so a read that filters differently from the one that read them is answered from memory too. Rows
 * changed behind the server's back (as another node would, but unannounced) show only after the user's next write;
 * across nodes, where writes are announced, see MultiNodeTest.
 */
class MobageSelfCacheTest extends ServerTest {
    private static final String MINE = BASE + "/people/@me/@self/achievements/@app";

    private static String keys(Http.Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return String.join(",", r.json().get("entry").findValuesAsText("achievementId"));
    }

    @Test
    void recordsAreServedFromMemoryWhateverTheFilterUntilTheUsersNextWrite() {
        var app = newApp();
        var m = new MobageFixture(server, app);
        m.api("a1", "totalSteps", 5);
        m.api("a2");
        m.api("a3");
        Http me = m.as("u1");
        Http other = m.as("u2");
        assertThat(me.put(MINE + "/a1?fields=state", Map.of("state", "UNLOCKED")).status()).isEqualTo(200);
        assertThat(me.put(MINE + "/a2?fields=state", Map.of("state", "REVEALED")).status()).isEqualTo(200);
        assertThat(other.put(MINE + "/a2?fields=state", Map.of("state", "REVEALED")).status()).isEqualTo(200);
        server.awaitCacheTrusted();
        assertThat(keys(me.get(MINE))).isEqualTo("a1,a2");
        assertThat(keys(other.get(MINE))).isEqualTo("a2");

        server.behindTheServersBack("UPDATE progress SET state = 'UNLOCKED' WHERE app_id = '" + app.id()
                + "' AND ach_key = 'a2'");

        assertThat(keys(me.get(MINE + "?filterBy=state&filterValue=UNLOCKED")))
                .as("a filter the first read did not use, answered from what it read").isEqualTo("a1");
        assertThat(keys(me.get(MINE + "/a1,a2?filterBy=state&filterValue=REVEALED")))
                .as("named achievements too").isEqualTo("a2");
        var one = me.get(MINE + "/a2");
        assertThat(one.json().findValue("state").asText()).as("one achievement too: " + one).isEqualTo("REVEALED");

        assertThat(me.put(MINE + "/a3?fields=state", Map.of("state", "REVEALED")).status()).isEqualTo(200);
        assertThat(keys(me.get(MINE + "?filterBy=state&filterValue=UNLOCKED")))
                .as("read again after u1's write").isEqualTo("a1,a2");
        assertThat(keys(me.get(MINE))).isEqualTo("a1,a2,a3");
        assertThat(keys(other.get(MINE + "?filterBy=state&filterValue=REVEALED")))
                .as("u2 was not written: still from memory").isEqualTo("a2");
    }

    @Test
    void anUnknownUserIsNotKeptAndIsFoundOnceCreated() {
        var m = new MobageFixture(server, newApp());
        m.api("a1");
        Http me = m.as("u1");
        String theirs = BASE + "/people/late/@self/achievements/@app";
        assertThat(me.get(theirs).status()).isEqualTo(404);
        m.users("late");
        assertThat(keys(me.get(theirs))).isEmpty();
    }
}
