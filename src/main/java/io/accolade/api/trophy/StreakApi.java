package io.accolade.api.trophy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.api.Guard;
import io.accolade.http.ApiException;
import io.accolade.http.Fields;
import io.accolade.http.Json;
import io.accolade.http.Routes;
import io.accolade.http.Times;
import io.accolade.http.Web;
import io.accolade.service.StreakService;
import java.util.ArrayList;
import java.util.List;

/**
 * Trophy's streak endpoints: a user's streak with history and rank, several users' streaks, rankings, and the two
 * calls Trophy's SDK sends to its admin base ({@code <admin>/streaks/freezes}, {@code <admin>/streaks/restore}),
 * which Accolade serves under {@code /admin/v1} with the app's API key.
 */
public final class StreakApi {
    private final Guard guard;
    private final StreakService streaks;

    public StreakApi(Guard guard, StreakService streaks) {
        this.guard = guard;
        this.streaks = streaks;
    }

    public void register(Routes r) {
        r.get("/v1/users/{id}/streak", (req, res) -> {
            String app = guard.apiKey(req).appId();
            int n = intQuery(req, "historyPeriods", 7, 1, 365);
            var s = streaks.ofUser(app, Web.param(req, "id"), n);
            ObjectNode body = TrophyJson.streak(s.view());
            body.put("extended", s.view().lastExtendedAt() == null ? null : Times.iso(s.view().lastExtendedAt()));
            if (s.rank() == null) {
                body.putNull("rank");
            } else {
                body.put("rank", s.rank());
            }
            ArrayNode history = body.putArray("streakHistory");
            for (var h : s.history()) {
                ObjectNode item = history.addObject();
                item.put("periodStart", h.periodStart().toString());
                item.put("periodEnd", h.periodEnd().toString());
                item.put("length", h.length());
                if (s.freezesEnabled()) {
                    item.put("usedFreeze", h.usedFreeze());
                }
            }
            Web.ok(res, body);
        });
        r.get("/v1/streaks", (req, res) -> {
            String app = guard.apiKey(req).appId();
            List<String> ids = new ArrayList<>();
            Web.queryAll(req, "userIds").forEach(v -> ids.addAll(List.of(v.split(","))));
            if (ids.size() > 100) {
                throw ApiException.unprocessable("'userIds' may name at most 100 users");
            }
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (var item : streaks.ofUsers(app, ids)) {
                ObjectNode n = out.addObject();
                n.put("userId", item.userId());
                n.put("streakLength", item.length());
                n.put("extended", item.extendedAt() == null ? null : Times.iso(item.extendedAt()));
            }
            Web.ok(res, out);
        });
        r.get("/v1/streaks/rankings", (req, res) -> {
            String app = guard.apiKey(req).appId();
            int limit = intQuery(req, "limit", 10, 1, 100);
            String type = Web.query(req, "type").orElse("active");
            if (!type.equals("active") && !type.equals("longest")) {
                throw ApiException.unprocessable("'type' must be active or longest");
            }
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (var u : streaks.rankings(app, type.equals("longest"), limit)) {
                out.addObject().put("userId", u.userId()).put("name", u.name()).put("streakLength", u.length());
            }
            Web.ok(res, out);
        });
        r.post("/admin/v1/streaks/freezes", (req, res) -> {
            String app = guard.apiKey(req).appId();
            List<Fields> items = Web.object(req).optionalObjectList("freezes")
                    .orElseThrow(() -> ApiException.badRequest("'freezes' is required"));
            if (items.isEmpty() || items.size() > 1000) {
                throw ApiException.badRequest("'freezes' must hold 1 to 1000 items");
            }
            List<String> ids = items.stream().map(f -> f.requiredString("userId")).toList();
            ObjectNode body = Fields.object();
            body.set("issues", issues(streaks.grantFreezes(app, ids)));
            Web.send(res, 201, body);
        });
        r.post("/admin/v1/streaks/restore", (req, res) -> {
            String app = guard.apiKey(req).appId();
            List<Fields> items = Web.object(req).optionalObjectList("users")
                    .orElseThrow(() -> ApiException.badRequest("'users' is required"));
            if (items.isEmpty() || items.size() > 100) {
                throw ApiException.badRequest("'users' must hold 1 to 100 items");
            }
            var result = streaks.restore(app, items.stream().map(f -> f.requiredString("id")).toList());
            ObjectNode body = Fields.object();
            body.set("restoredUsers", Json.MAPPER.valueToTree(result.restored()));
            body.set("issues", issues(result.issues()));
            Web.send(res, 201, body);
        });
    }

    private static ArrayNode issues(List<StreakService.Issue> issues) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        issues.forEach(i -> out.addObject().put("userId", i.userId()).put("level", i.level()).put("reason", i.reason()));
        return out;
    }

    private static int intQuery(io.helidon.webserver.http.ServerRequest req, String name, int def, int min, int max) {
        var v = Web.query(req, name);
        if (v.isEmpty()) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n < min || n > max) {
                throw ApiException.unprocessable("'" + name + "' must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + name + "' must be a whole number");
        }
    }
}
