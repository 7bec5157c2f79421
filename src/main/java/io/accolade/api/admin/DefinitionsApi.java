package io.accolade.api.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.api.Guard;
import io.accolade.domain.Achievement;
import io.accolade.domain.Catalog;
import io.accolade.domain.Ids;
import io.accolade.domain.Metric;
import io.accolade.domain.Rejection;
import io.accolade.http.Fields;
import io.accolade.http.Json;
import io.accolade.http.Routes;
import io.accolade.http.Web;
import io.accolade.service.DefinitionService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Definitions under {@code /admin/v1/apps/{appId}}: metrics, achievements, and the whole set as one document
 * ({@code /definitions}) so that definitions can live in the app's own repository. Callable with the admin token or
 * with the app's own API key.
 */
public final class DefinitionsApi {
    private final Guard guard;
    private final DefinitionService defs;

    public DefinitionsApi(Guard guard, DefinitionService defs) {
        this.guard = guard;
        this.defs = defs;
    }

    public void register(Routes r) {
        String base = "/admin/v1/apps/{appId}";
        r.get(base + "/metrics", (req, res) -> {
            String app = app(req);
            ArrayNode out = Json.MAPPER.createArrayNode();
            defs.catalog(app).metrics().forEach(m -> out.add(DefinitionJson.metric(m)));
            Web.ok(res, out);
        });
        r.get(base + "/metrics/{key}", (req, res) -> {
            String app = app(req);
            String key = Web.param(req, "key");
            Metric m = defs.catalog(app).metric(key)
                    .orElseThrow(() -> Rejection.notFound("metric '" + Ids.abbreviate(key) + "' not found"));
            Web.ok(res, DefinitionJson.metric(m));
        });
        r.put(base + "/metrics/{key}", (req, res) -> {
            String app = app(req);
            String key = Ids.key(Web.param(req, "key"), "key");
            var saved = defs.putMetric(app, DefinitionJson.metric(key, Web.object(req)));
            Web.send(res, saved.created() ? 201 : 200, DefinitionJson.metric(saved.value()));
        });
        r.delete(base + "/metrics/{key}", (req, res) -> {
            String app = app(req);
            String key = Web.param(req, "key");
            defs.deleteMetric(app, key);
            Web.ok(res, Fields.object().put("key", key).put("deleted", true));
        });

        r.get(base + "/achievements", (req, res) -> {
            String app = app(req);
            ArrayNode out = Json.MAPPER.createArrayNode();
            defs.catalog(app).achievements().forEach(a -> out.add(DefinitionJson.achievement(a)));
            Web.ok(res, out);
        });
        r.get(base + "/achievements/{key}", (req, res) -> {
            String app = app(req);
            String key = Web.param(req, "key");
            Achievement a = defs.catalog(app).achievement(key)
                    .orElseThrow(() -> Rejection.notFound("achievement '" + Ids.abbreviate(key) + "' not found"));
            Web.ok(res, DefinitionJson.achievement(a));
        });
        r.put(base + "/achievements/{key}", (req, res) -> {
            String app = app(req);
            String key = Ids.key(Web.param(req, "key"), "key");
            var saved = defs.putAchievement(app, DefinitionJson.achievement(key, Web.object(req)));
            Web.send(res, saved.created() ? 201 : 200, DefinitionJson.achievement(saved.value()));
        });
        r.delete(base + "/achievements/{key}", (req, res) -> {
            String app = app(req);
            String key = Web.param(req, "key");
            defs.deleteAchievement(app, key);
            Web.ok(res, Fields.object().put("key", key).put("deleted", true));
        });

        r.get(base + "/streak", (req, res) -> {
            String app = app(req);
            Web.ok(res, StreakSettingsJson.write(defs.catalog(app).streak()));
        });
        r.put(base + "/streak", (req, res) -> {
            String app = app(req);
            Web.ok(res, StreakSettingsJson.write(defs.putStreak(app, StreakSettingsJson.parse(Web.object(req)))));
        });

        r.get(base + "/definitions", (req, res) -> {
            String app = app(req);
            Web.ok(res, export(defs.catalog(app)));
        });
        r.put(base + "/definitions", (req, res) -> {
            String app = app(req);
            boolean prune = Web.query(req, "prune").map("true"::equals).orElse(false);
            Fields doc = Web.object(req).only(Set.of("metrics", "achievements", "streak", "version"));
            List<Metric> metrics = new ArrayList<>();
            for (Fields m : doc.optionalObjectList("metrics").orElse(List.of())) {
                metrics.add(DefinitionJson.metric(Ids.key(m.requiredString("key"), m.name("key")), m));
            }
            List<Achievement> achievements = new ArrayList<>();
            for (Fields a : doc.optionalObjectList("achievements").orElse(List.of())) {
                achievements.add(DefinitionJson.achievement(Ids.key(a.requiredString("key"), a.name("key")), a));
            }
            var streak = doc.optionalObject("streak").map(StreakSettingsJson::parse);
            var result = defs.importAll(app, metrics, achievements, streak, prune);
            ObjectNode body = Fields.object();
            body.set("metrics", summary(result.metrics()));
            body.set("achievements", summary(result.achievements()));
            Web.ok(res, body);
        });
    }

    private String app(io.helidon.webserver.http.ServerRequest req) {
        String app = Web.param(req, "appId");
        guard.adminOrOwnKey(req, app);
        return app;
    }

    static ObjectNode export(Catalog catalog) {
        ObjectNode doc = Fields.object();
        doc.put("version", 1);
        // Metrics have no position; creation order is not reproducible by an import (one timestamp for all), so
        // the document lists them by key: exporting an imported copy gives the same document.
        ArrayNode metrics = doc.putArray("metrics");
        catalog.metrics().stream().sorted(java.util.Comparator.comparing(Metric::key))
                .forEach(m -> metrics.add(DefinitionJson.metric(m)));
        ArrayNode achievements = doc.putArray("achievements");
        catalog.achievements().forEach(a -> achievements.add(DefinitionJson.achievement(a)));
        doc.set("streak", StreakSettingsJson.write(catalog.streak()));
        return doc;
    }

    private static ObjectNode summary(DefinitionService.ImportSummary s) {
        ObjectNode n = Fields.object();
        n.set("created", Json.MAPPER.valueToTree(s.created()));
        n.set("updated", Json.MAPPER.valueToTree(s.updated()));
        n.set("unchanged", Json.MAPPER.valueToTree(s.unchanged()));
        n.set("deleted", Json.MAPPER.valueToTree(s.deleted()));
        return n;
    }
}
