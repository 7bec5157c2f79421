package io.accolade.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One app seen through Mobage's dialect: its definitions (through the admin API), user tokens (through the token
 * exchange) and friendships. Everything goes over HTTP, as a game backend would do it.
 */
public final class MobageFixture {
    public static final String BASE = "/social/api/restful/v2";
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String USER_ID_TYPE = "urn:accolade:params:oauth:token-type:user-id";

    public final TestServer server;
    public final TestServer.TestApp app;

    public MobageFixture(TestServer server, TestServer.TestApp app) {
        this.server = server;
        this.app = app;
    }

    /** Defines (or redefines) an achievement; {@code spec} as the admin API takes it. */
    public void achievement(String key, Map<String, ?> spec) {
        var r = app.http().put("/admin/v1/apps/" + app.id() + "/achievements/" + key, spec);
        if (r.status() != 201 && r.status() != 200) {
            throw new AssertionError("cannot define " + key + ": " + r);
        }
    }

    /** An api-triggered achievement, the kind Mobage writes. */
    public void api(String key, Object... more) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "Achievement " + key);
        spec.put("trigger", "api");
        for (int i = 0; i < more.length; i += 2) {
            spec.put((String) more[i], more[i + 1]);
        }
        achievement(key, spec);
    }

    /** The token exchange for {@code userId} (creating the user), with the app's key in X-API-KEY. */
    public String token(String userId) {
        var r = app.http().postForm("/oauth2/token", Map.of("grant_type", TOKEN_EXCHANGE, "subject_token", userId,
                "subject_token_type", USER_ID_TYPE));
        if (r.status() != 200) {
            throw new AssertionError("token exchange for " + userId + " failed: " + r);
        }
        return r.json().get("access_token").asText();
    }

    /** A client acting for {@code userId}. */
    public Http as(String userId) {
        return server.http.withBearer(token(userId));
    }

    /** Creates the users (each through the token exchange). */
    public void users(String... ids) {
        for (String id : ids) {
            token(id);
        }
    }

    public void friends(String userId, List<String> friendIds) {
        var r = app.http().put("/admin/v1/apps/" + app.id() + "/users/" + userId + "/friends",
                Map.of("friends", friendIds));
        if (r.status() != 200) {
            throw new AssertionError("cannot set friends of " + userId + ": " + r);
        }
    }
}
