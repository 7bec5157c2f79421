package io.accolade.api.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.api.Guard;
import io.accolade.http.ApiException;
import io.accolade.http.Fields;
import io.accolade.http.Routes;
import io.accolade.http.Web;
import io.accolade.service.FriendService;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Set;

/**
 * {@code /admin/v1/apps/{appId}/users/{userId}/friends}: the friendships behind Mobage's {@code @friends}. Mutual:
 * adding or removing a friend changes both users. Callable with the admin token or the app's own API key.
 */
public final class FriendsApi {
    private final Guard guard;
    private final FriendService friends;

    public FriendsApi(Guard guard, FriendService friends) {
        this.guard = guard;
        this.friends = friends;
    }

    public void register(Routes r) {
        String base = "/admin/v1/apps/{appId}/users/{userId}/friends";
        r.get(base, (req, res) -> {
            String app = app(req);
            String user = Web.param(req, "userId");
            Web.ok(res, body(user, friends.list(app, user)));
        });
        r.put(base, (req, res) -> {
            String app = app(req);
            String user = Web.param(req, "userId");
            Fields f = Web.object(req).only(Set.of("friends"));
            List<String> wanted = f.optionalStringList("friends")
                    .orElseThrow(() -> ApiException.badRequest("'friends' is required (an array of user ids)"));
            Web.ok(res, body(user, friends.replace(app, user, wanted)));
        });
        r.post(base + "/{friendId}", (req, res) -> {
            String app = app(req);
            String user = Web.param(req, "userId");
            boolean created = friends.add(app, user, Web.param(req, "friendId"));
            Web.send(res, created ? 201 : 200, body(user, friends.list(app, user)));
        });
        r.delete(base + "/{friendId}", (req, res) -> {
            String app = app(req);
            String user = Web.param(req, "userId");
            String friend = Web.param(req, "friendId");
            friends.remove(app, user, friend);
            Web.ok(res, Fields.object().put("userId", user).put("friendId", friend).put("deleted", true));
        });
    }

    private String app(ServerRequest req) {
        String app = Web.param(req, "appId");
        guard.adminOrOwnKey(req, app);
        return app;
    }

    private static ObjectNode body(String userId, List<String> friendIds) {
        ObjectNode n = Fields.object().put("userId", userId);
        ArrayNode list = n.putArray("friends");
        friendIds.forEach(list::add);
        return n;
    }
}
