package io.accolade.api.mobage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.api.Guard;
import io.accolade.domain.Achievement;
import io.accolade.domain.Ids;
import io.accolade.domain.ProgressState;
import io.accolade.http.ApiException;
import io.accolade.http.Dialect;
import io.accolade.http.Fields;
import io.accolade.http.Routes;
import io.accolade.http.Web;
import io.accolade.service.MobageService;
import io.accolade.service.MobageService.Change;
import io.accolade.service.MobageService.UserAchievement;
import io.accolade.service.TokenService;
import io.accolade.service.TokenService.Viewer;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mobage's Social API v2 for achievements under {@code /social/api/restful/v2}: User Achievement reads, PUT and
 * increment, and the Achievement (definition) reads. Every call acts for the viewer behind a user access token
 * (Mobage supports the Authorization Code Grant only); {@code @me} is that user and {@code @app} that token's app.
 * Path values that start with {@code @} are literals; id lists are comma-separated.
 */
public final class MobageApi {
    /** Most ids one path segment may list: bounds the work of one request. */
    static final int MAX_IDS = 100;

    private static final String PEOPLE = Dialect.MOBAGE_PREFIX
            + "/people/{userId}/{selfOrFriends}/achievements/{appId}";
    private static final String ACHIEVEMENTS = Dialect.MOBAGE_PREFIX + "/achievements/{appId}";

    private final Guard guard;
    private final TokenService tokens;
    private final MobageService mobage;

    public MobageApi(Guard guard, TokenService tokens, MobageService mobage) {
        this.guard = guard;
        this.tokens = tokens;
        this.mobage = mobage;
    }

    public void register(Routes r) {
        r.get(PEOPLE, this::readUserAchievements);
        r.get(PEOPLE + "/{achievementId}", this::readUserAchievements);
        r.put(PEOPLE + "/{achievementId}", (req, res) -> {
            Target t = writeTarget(req);
            Map<String, String> params = CollectionQuery.parameters(req.query(), Set.of("format", "fields"));
            Change change = putChange(Web.object(req), Optional.ofNullable(params.get("fields")));
            send(res, MobageJson.userAchievement(t.appId(), mobage.write(t.appId(), t.userId(), t.achievementKey(),
                    change), MobageJson.USER_ACHIEVEMENT_FIELDS));
        });
        r.post(PEOPLE + "/{achievementId}/increment", (req, res) -> {
            Target t = writeTarget(req);
            CollectionQuery.parameters(req.query(), Set.of("format"));
            Fields body = Web.object(req).only(Set.of("steps"));
            Change change = new Change.Increment(body.requiredLong("steps"));
            send(res, MobageJson.userAchievement(t.appId(), mobage.write(t.appId(), t.userId(), t.achievementKey(),
                    change), MobageJson.USER_ACHIEVEMENT_FIELDS));
        });
        r.get(ACHIEVEMENTS, this::readAchievements);
        r.get(ACHIEVEMENTS + "/{achievementId}", this::readAchievements);
    }

    // ---- User Achievement ---------------------------------------------------------------------------------------

    private void readUserAchievements(ServerRequest req, ServerResponse res) {
        Viewer viewer = viewer(req);
        String app = app(viewer, req);
        boolean friends = group(req);
        List<String> users = users(viewer, Web.param(req, "userId"));
        Optional<List<String>> ids = achievementIds(req);
        CollectionQuery q = CollectionQuery.forUserAchievements(req.query());
        if (friends && ids.isEmpty()) {
            throw ApiException.badRequest("'achievementId' is required with @friends");
        }
        if (!friends && users.size() == 1 && ids.isPresent() && ids.get().size() == 1 && !q.collectionOptions()) {
            // One user, one achievement: the object itself (the seed's bogus_hero sample), 404 when absent. With a
            // filter, sort or updatedSince it is a collection of at most one, as for two ids: a filter filters.
            send(res, MobageJson.userAchievement(app, mobage.one(app, users.getFirst(), ids.get().getFirst()),
                    q.fields()));
            return;
        }
        MobageService.Page<UserAchievement> page = friends
                ? mobage.ofFriends(app, users, ids.orElseThrow(), q.toQuery())
                : mobage.ofUsers(app, users, ids, q.toQuery());
        boolean flags = friends || ids.isEmpty() || q.collectionOptions();
        send(res, MobageJson.envelope(page, u -> MobageJson.userAchievement(app, u, q.fields()), flags));
    }

    /** PUT: {@code fields} names the one field to update; without it the body must hold exactly one of them. */
    private static Change putChange(Fields body, Optional<String> fields) {
        String field = fields.orElseGet(() -> {
            if (body.has("state") == body.has("steps")) {
                throw ApiException.badRequest("the body must hold exactly one of 'state' and 'steps' (or name one "
                        + "with ?fields=state or ?fields=steps)");
            }
            return body.has("state") ? "state" : "steps";
        });
        return switch (field) {
            case "state" -> new Change.State(ProgressState.parse(body.requiredString("state"), "state"));
            case "steps" -> new Change.Steps(body.requiredLong("steps"));
            default -> throw ApiException.badRequest("'fields' must be state or steps (one of them)");
        };
    }

    /** What a write addresses: the viewer's own record of one achievement. */
    private record Target(String appId, String userId, String achievementKey) {
    }

    private Target writeTarget(ServerRequest req) {
        Viewer viewer = viewer(req);
        String app = app(viewer, req);
        if (group(req)) {
            throw ApiException.badRequest("'selfOrFriends' must be @self: only a user's own records can be written");
        }
        String user = Web.param(req, "userId");
        if (!user.equals("@me") && !user.equals(viewer.userId())) {
            throw ApiException.forbidden("a token may write only its own user's achievements (@me)");
        }
        String id = Web.param(req, "achievementId");
        if (id.contains(",")) {
            throw ApiException.badRequest("'achievementId' must name one achievement");
        }
        return new Target(app, viewer.userId(), id);
    }

    // ---- Achievement ------------------------------------------------------------------------------------------

    private void readAchievements(ServerRequest req, ServerResponse res) {
        Viewer viewer = viewer(req);
        String app = app(viewer, req);
        Optional<List<String>> ids = achievementIds(req);
        CollectionQuery q = CollectionQuery.forAchievements(req.query());
        if (ids.isPresent() && ids.get().size() == 1) {
            send(res, MobageJson.achievement(app, mobage.definition(app, ids.get().getFirst()), q.fields()));
            return;
        }
        MobageService.Page<Achievement> page = mobage.definitions(app, ids, q.toQuery());
        send(res, MobageJson.envelope(page, a -> MobageJson.achievement(app, a, q.fields()), false));
    }

    // ---- the viewer and the path ------------------------------------------------------------------------------

    /**
     * The user behind the access token ({@code Authorization: Bearer <token>}, or {@code OAuth <token>} as in the
     * seed's samples). An app credential alone is the Client Credentials model, which Mobage answers with 405.
     */
    private Viewer viewer(ServerRequest req) {
        Optional<String> authorization = Web.header(req, "Authorization");
        if (authorization.isPresent()) {
            String h = authorization.get().trim();
            String token;
            if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = h.substring(7).trim();
            } else if (h.regionMatches(true, 0, "OAuth ", 0, 6)) {
                token = h.substring(6).trim();
            } else {
                throw unauthorized("unsupported authorization scheme; send Authorization: Bearer <access token>",
                        false);
            }
            Viewer viewer = tokens.authenticate(token)
                    .orElseThrow(() -> unauthorized("the access token is invalid, expired or revoked", true));
            // A token spends the rate limit of the key that obtained it, so tokens do not bypass the limit.
            guard.throttle(viewer.key());
            return viewer;
        }
        if (Web.header(req, "X-API-KEY").isPresent()) {
            guard.apiKey(req);
            throw ApiException.methodNotAllowed("Client Credentials Grant is not supported: this API acts for a user;"
                    + " send the user's access token from POST /oauth2/token (Authorization: Bearer <token>)");
        }
        throw unauthorized("an access token is required (Authorization: Bearer <token>)", false);
    }

    private static ApiException unauthorized(String message, boolean tokenSent) {
        String challenge = "Bearer realm=\"accolade\"" + (tokenSent ? ", error=\"invalid_token\"" : "");
        return new ApiException(401, message, Map.of("WWW-Authenticate", challenge));
    }

    /** {@code @app} or the token's own app id; another app's id is a 403 (tokens are per app). */
    private static String app(Viewer viewer, ServerRequest req) {
        String app = Web.param(req, "appId");
        if (!app.equals("@app") && !app.equals(viewer.appId())) {
            throw ApiException.forbidden("the access token was issued for another application; use @app");
        }
        return viewer.appId();
    }

    /** True for {@code @friends}, false for {@code @self}. */
    private static boolean group(ServerRequest req) {
        return switch (Web.param(req, "selfOrFriends")) {
            case "@self" -> false;
            case "@friends" -> true;
            default -> throw ApiException.badRequest("'selfOrFriends' must be @self or @friends");
        };
    }

    /** {@code @me}, a user id, or a comma-separated list of them (duplicates dropped, order kept). */
    private static List<String> users(Viewer viewer, String raw) {
        Set<String> out = new LinkedHashSet<>();
        for (String id : split(raw, "userId")) {
            if (id.equals("@me")) {
                out.add(viewer.userId());
            } else if (Ids.isUserId(id)) {
                out.add(id);
            } else {
                throw ApiException.badRequest("'userId' must be @me, a user id or a comma-separated list of user ids"
                        + ", got '" + Ids.abbreviate(id) + "'");
            }
        }
        return new ArrayList<>(out);
    }

    private static Optional<List<String>> achievementIds(ServerRequest req) {
        String raw = req.path().pathParameters().contains("achievementId") ? Web.param(req, "achievementId") : null;
        if (raw == null) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(new LinkedHashSet<>(split(raw, "achievementId"))));
    }

    private static List<String> split(String raw, String name) {
        List<String> parts = List.of(raw.split(",", -1));
        if (parts.stream().anyMatch(String::isEmpty)) {
            throw ApiException.badRequest("'" + name + "' has an empty item in its comma-separated list");
        }
        if (parts.size() > MAX_IDS) {
            throw ApiException.badRequest("'" + name + "' may list at most " + MAX_IDS + " ids");
        }
        return parts;
    }

    private static void send(ServerResponse res, ObjectNode body) {
        res.header(HeaderNames.PRAGMA, "no-cache");
        Web.ok(res, body);
    }
}
