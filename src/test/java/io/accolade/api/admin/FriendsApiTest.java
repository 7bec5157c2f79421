package io.accolade.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 5, point 6: mutual friendships through {@code /admin/v1/apps/{appId}/users/{userId}/friends}. */
class FriendsApiTest extends ServerTest {

    private static String friends(String app, String user) {
        return "/admin/v1/apps/" + app + "/users/" + user + "/friends";
    }

    private static List<String> list(Http as, String app, String user) {
        var r = as.get(friends(app, user));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("userId").asText()).isEqualTo(user);
        List<String> out = new ArrayList<>();
        r.json().get("friends").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void replacingTheSetKeepsBothDirections() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.users("u1", "u2", "u3", "u4");
        String app = m.app.id();
        var put = admin().put(friends(app, "u1"), Map.of("friends", List.of("u3", "u2", "u2")));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.json()).isEqualTo(Http.parse("{\"userId\": \"u1\", \"friends\": [\"u2\", \"u3\"]}"));
        assertThat(list(admin(), app, "u2")).containsExactly("u1");
        assertThat(list(admin(), app, "u3")).containsExactly("u1");

        // Replacing drops the other side of removed pairs and adds the other side of new ones.
        assertThat(admin().put(friends(app, "u1"), Map.of("friends", List.of("u3", "u4"))).status()).isEqualTo(200);
        assertThat(list(admin(), app, "u1")).containsExactly("u3", "u4");
        assertThat(list(admin(), app, "u2")).isEmpty();
        assertThat(list(admin(), app, "u4")).containsExactly("u1");
        // Replacing u4's set ends u4's friendship with u1 on both sides and leaves u1's others alone.
        assertThat(admin().put(friends(app, "u4"), Map.of("friends", List.of("u2"))).status()).isEqualTo(200);
        assertThat(list(admin(), app, "u1")).containsExactly("u3");
        assertThat(list(admin(), app, "u2")).containsExactly("u4");
        assertThat(admin().put(friends(app, "u1"), Map.of("friends", List.of())).status()).isEqualTo(200);
        assertThat(list(admin(), app, "u3")).isEmpty();
    }

    @Test
    void addingAndRemovingOneFriend() {
        MobageFixture m = new MobageFixture(server, newApp());
        m.users("u1", "u2");
        String app = m.app.id();
        // The app's own key may manage its users' friends.
        var added = m.app.http().post(friends(app, "u1") + "/u2", null);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(added.json()).isEqualTo(Http.parse("{\"userId\": \"u1\", \"friends\": [\"u2\"]}"));
        assertThat(m.app.http().post(friends(app, "u1") + "/u2", null).status()).isEqualTo(200);
        assertThat(list(m.app.http(), app, "u2")).containsExactly("u1");

        var removed = m.app.http().delete(friends(app, "u2") + "/u1");
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().get("deleted").asBoolean()).isTrue();
        assertThat(list(m.app.http(), app, "u1")).isEmpty();
        assertThat(m.app.http().delete(friends(app, "u2") + "/u1").status()).isEqualTo(404);
    }

    @Test
    void unknownUsersAndBadInputAreRefused() {
        MobageFixture m = new MobageFixture(server, newApp());
        var other = newApp();
        m.users("u1");
        String app = m.app.id();
        assertThat(admin().get(friends(app, "ghost")).status()).isEqualTo(404);
        assertThat(admin().put(friends(app, "ghost"), Map.of("friends", List.of("u1"))).status()).isEqualTo(404);
        var unknownFriend = admin().put(friends(app, "u1"), Map.of("friends", List.of("ghost")));
        assertThat(unknownFriend.status()).isEqualTo(404);
        assertThat(unknownFriend.json().get("error").asText()).contains("ghost");
        assertThat(admin().post(friends(app, "u1") + "/ghost", null).status()).isEqualTo(404);
        assertThat(admin().post(friends(app, "ghost") + "/u1", null).status()).isEqualTo(404);

        var self = admin().put(friends(app, "u1"), Map.of("friends", List.of("u1")));
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.json().get("error").asText()).contains("friends[0]");
        assertThat(admin().post(friends(app, "u1") + "/u1", null).status()).isEqualTo(400);
        assertThat(admin().put(friends(app, "u1"), Map.of("friends", List.of("@me"))).status()).isEqualTo(400);
        assertThat(admin().put(friends(app, "u1"), Map.of("friends", "u2")).status()).isEqualTo(400);
        assertThat(admin().put(friends(app, "u1"), Map.of()).status()).isEqualTo(400);

        // Another app's key, no credentials: refused.
        assertThat(other.http().get(friends(app, "u1")).status()).isEqualTo(403);
        assertThat(http().get(friends(app, "u1")).status()).isEqualTo(401);
    }
}
