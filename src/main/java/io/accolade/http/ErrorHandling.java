package io.accolade.http;

import io.accolade.domain.Rejection;
import io.accolade.store.StoreException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure into a JSON error in the dialect of the path. Clients never see a stack trace; every 5xx is
 * logged with the request id that the response also carries ({@code X-Request-Id} header and {@code requestId}).
 */
public final class ErrorHandling {
    private static final Logger LOG = Logger.getLogger("io.accolade.http");

    private ErrorHandling() {
    }

    /**
     * This node's request ids: a random prefix drawn once per process, then a counter. Unique without drawing from
     * SecureRandom per request (UUID.randomUUID was 3% of the server's CPU on the list reads, BENCHMARKS.md, sixth
     * round), and the prefix tells which node answered. An id is a log key, never a secret.
     */
    private static final String NODE_PREFIX = String.format("%012x",
            new java.security.SecureRandom().nextLong() & 0xFFFF_FFFF_FFFFL) + "-";
    private static final AtomicLong REQUESTS = new AtomicLong();

    static String nextRequestId() {
        return NODE_PREFIX + Long.toHexString(REQUESTS.incrementAndGet());
    }

    /** Seconds a client should wait before retrying when the database is unavailable. */
    public static final int RETRY_AFTER_SECONDS = 2;

    public static void install(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            String id = req.headers().first(Web.REQUEST_ID)
                    .filter(v -> v.length() <= 64 && v.matches("[A-Za-z0-9._-]+"))
                    .orElseGet(ErrorHandling::nextRequestId);
            req.context().register("requestId", id);
            res.header(Web.REQUEST_ID, id);
            if (req.path().path().indexOf('\0') >= 0) {
                // An encoded NUL (%00) is no identifier anywhere, and PostgreSQL refuses it in any text parameter.
                throw ApiException.badRequest("malformed request: the path holds a NUL character (%00)");
            }
            chain.proceed();
        });
        routing.error(ApiException.class, (req, res, e) -> {
            e.headers().forEach(res::header);
            send(req, res, e.status(), e.code(), e.getMessage());
        });
        routing.error(Rejection.class, (req, res, e) ->
                send(req, res, statusOf(e.kind(), req.path().path()), e.getMessage()));
        routing.error(StoreException.Unavailable.class, (req, res, e) -> {
            LOG.warning(() -> "request " + requestId(req) + " " + req.prologue().method().text() + " "
                    + req.path().path() + ": " + e.getMessage());
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
            send(req, res, 503, "the database is unavailable; retry later");
        });
        routing.error(Throwable.class, (req, res, e) -> {
            LOG.log(Level.SEVERE, "request " + requestId(req) + " " + req.prologue().method().text() + " "
                    + req.path().path() + " failed", e);
            send(req, res, 500, "internal error; quote request id " + requestId(req));
        });
    }

    /**
     * A domain rejection's status. CONFLICT is 409 in the Mobage and admin dialects, but 422 on Trophy's application
     * paths, because Trophy's SDK retries every 409 (a business conflict must not be re-sent).
     */
    static int statusOf(Rejection.Kind kind, String path) {
        return switch (kind) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case UNPROCESSABLE -> 422;
            case CONFLICT -> path.startsWith("/v1/") || path.startsWith("/admin/v1/streaks") ? 422 : 409;
        };
    }

    static String requestId(ServerRequest req) {
        return req.context().get("requestId", String.class).orElse("-");
    }

    private static void send(ServerRequest req, ServerResponse res, int status, String message) {
        send(req, res, status, null, message);
    }

    private static void send(ServerRequest req, ServerResponse res, int status, String code, String message) {
        if (res.isSent()) {
            return;
        }
        Dialect dialect = Dialect.forPath(req.path().path());
        Web.send(res, status, dialect.errorBody(status, code, message, requestId(req)));
    }

    /**
     * An error whose request line could not be read (a URI too long, a malformed line): the path, and so the
     * dialect, is unknown, so the body carries every dialect's members ({@code error}, {@code error_description},
     * {@code Error.Message}) and each client finds its own.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode anyDialect(int status, String message) {
        var body = Dialect.TROPHY.errorBody(status, message, null);
        body.put("error_description", message);
        body.putObject("Error").put("Message", message);
        return body;
    }

    /**
     * Errors Helidon answers itself, before any route runs (unparseable request line, oversized headers or entity):
     * same JSON shapes.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler handler = new DirectHandler() {
            @Override
            public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                            ServerResponseHeaders headers, String message) {
                String path = request.path() == null ? "" : request.path();
                int code = status.code();
                String safe = switch (code) {
                    case 413 -> "request body exceeds " + Web.MAX_BODY_BYTES + " bytes";
                    case 400 -> "malformed request";
                    case 431 -> "request headers too large";
                    default -> code >= 500 ? "internal error" : "request refused";
                };
                byte[] body = Json.write(path.isEmpty() ? anyDialect(code, safe) : Dialect.forPath(path)
                        .errorBody(code, safe, null));
                headers.set(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
                if (code >= 500) {
                    LOG.warning(() -> "direct " + code + " on " + path + ": " + message);
                }
                return TransportResponse.builder()
                        .status(status)
                        .headers(headers)
                        .entity(body)
                        .keepAlive(eventType.keepAlive() && code < 500)
                        .build();
            }
        };
        var builder = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            builder.addHandler(t, handler);
        }
        return builder.build();
    }
}
