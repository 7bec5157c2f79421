package io.accolade.api;

import io.accolade.http.Fields;
import io.accolade.http.Routes;
import io.accolade.http.Web;
import io.accolade.store.Database;

/**
 * {@code GET /health}: 200 when the database answers, 503 when it does not (load balancers take the node out).
 * {@code GET /health/live}: the process is up; no I/O (also the benchmark's "HTTP limit" anchor).
 */
public final class HealthApi {
    private final Database db;

    public HealthApi(Database db) {
        this.db = db;
    }

    public void register(Routes r) {
        r.get("/health", (req, res) -> {
            boolean up = db.ping();
            var body = Fields.object().put("status", up ? "UP" : "DOWN");
            body.putObject("store").put("engine", db.engine().name().toLowerCase()).put("status", up ? "UP" : "DOWN");
            if (!up) {
                res.header("Retry-After", "2");
            }
            Web.send(res, up ? 200 : 503, body);
        });
        r.get("/health/live", (req, res) -> Web.ok(res, Fields.object().put("status", "UP")));
    }
}
