package io.accolade.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Registers routes on Helidon's routing and remembers which methods each path pattern serves, so that
 * {@link #finish()} can answer a known path with a wrong method by 405 (with {@code Allow}) and anything else by 404,
 * both in the dialect's error shape.
 */
public final class Routes {
    private final HttpRouting.Builder routing;
    private final Map<String, Set<Method>> methods = new LinkedHashMap<>();

    public Routes(HttpRouting.Builder routing) {
        this.routing = routing;
    }

    public Routes get(String path, Handler h) {
        return add(Method.GET, path, h);
    }

    public Routes post(String path, Handler h) {
        return add(Method.POST, path, h);
    }

    public Routes put(String path, Handler h) {
        return add(Method.PUT, path, h);
    }

    public Routes patch(String path, Handler h) {
        return add(Method.PATCH, path, h);
    }

    public Routes delete(String path, Handler h) {
        return add(Method.DELETE, path, h);
    }

    private Routes add(Method m, String path, Handler h) {
        routing.route(m, path, h);
        methods.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(m);
        return this;
    }

    /** Call once, after every route: installs the 405 answers and the final 404. */
    public void finish() {
        methods.forEach((path, allowed) -> {
            String allow = allowed.stream().map(Method::text).collect(Collectors.joining(", "));
            routing.any(path, (req, res) -> {
                res.header(HeaderNames.ALLOW, allow);
                throw ApiException.methodNotAllowed("method " + req.prologue().method().text()
                        + " is not allowed here; allowed: " + allow);
            });
        });
        routing.any((req, res) -> {
            throw ApiException.notFound("no such resource: " + req.path().path());
        });
    }
}
