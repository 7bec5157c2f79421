package io.accolade.api.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.api.Guard;
import io.accolade.http.Fields;
import io.accolade.http.Json;
import io.accolade.http.Routes;
import io.accolade.http.Times;
import io.accolade.http.Web;
import io.accolade.service.AppService;
import io.accolade.store.AppStore;
import java.util.Set;

/** {@code /admin/v1/apps}: tenants and their API keys. Operator only (admin bearer token). */
public final class AppsApi {
    private final Guard guard;
    private final AppService apps;

    public AppsApi(Guard guard, AppService apps) {
        this.guard = guard;
        this.apps = apps;
    }

    public void register(Routes r) {
        r.post("/admin/v1/apps", (req, res) -> {
            guard.admin(req);
            Fields f = Web.object(req).only(Set.of("id", "name"));
            String id = f.requiredString("id");
            var created = apps.create(id, f.optionalString("name").orElse(id));
            ObjectNode body = app(created.app());
            body.put("apiKey", created.key().secret());
            body.put("keyId", created.key().row().keyId());
            Web.send(res, 201, body);
        });
        r.get("/admin/v1/apps", (req, res) -> {
            guard.admin(req);
            ArrayNode list = Json.MAPPER.createArrayNode();
            apps.list().forEach(a -> list.add(app(a)));
            Web.ok(res, list);
        });
        r.get("/admin/v1/apps/{appId}", (req, res) -> {
            guard.admin(req);
            Web.ok(res, app(apps.get(Web.param(req, "appId"))));
        });
        r.delete("/admin/v1/apps/{appId}", (req, res) -> {
            guard.admin(req);
            String id = Web.param(req, "appId");
            apps.delete(id);
            Web.ok(res, Fields.object().put("id", id).put("deleted", true));
        });
        r.post("/admin/v1/apps/{appId}/keys", (req, res) -> {
            guard.admin(req);
            var key = apps.createKey(Web.param(req, "appId"));
            ObjectNode body = key(key.row());
            body.put("apiKey", key.secret());
            Web.send(res, 201, body);
        });
        r.get("/admin/v1/apps/{appId}/keys", (req, res) -> {
            guard.admin(req);
            ArrayNode list = Json.MAPPER.createArrayNode();
            apps.keys(Web.param(req, "appId")).forEach(k -> list.add(key(k)));
            Web.ok(res, list);
        });
        r.delete("/admin/v1/apps/{appId}/keys/{keyId}", (req, res) -> {
            guard.admin(req);
            String keyId = Web.param(req, "keyId");
            apps.revokeKey(Web.param(req, "appId"), keyId);
            Web.ok(res, Fields.object().put("id", keyId).put("revoked", true));
        });
    }

    private static ObjectNode app(AppStore.AppRow a) {
        return Fields.object().put("id", a.id()).put("name", a.name()).put("createdAt", Times.iso(a.createdAt()));
    }

    private static ObjectNode key(AppStore.KeyRow k) {
        ObjectNode n = Fields.object().put("id", k.keyId()).put("appId", k.appId()).put("prefix", k.prefix())
                .put("createdAt", Times.iso(k.createdAt()));
        n.put("lastUsedAt", Times.isoOrNull(k.lastUsedAt()));
        return n;
    }
}
