package io.accolade.api;

import io.accolade.auth.Authenticator;
import io.accolade.auth.Authenticator.AppKey;
import io.accolade.http.ApiException;
import io.accolade.http.Web;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/** Who may call what: the operator's admin token, or an app's API key (only for its own app). */
public final class Guard {
    private final Authenticator auth;
    private final RateLimiter limiter;

    public Guard(Authenticator auth, RateLimiter limiter) {
        this.auth = auth;
        this.limiter = limiter;
    }

    /** The operator's bearer token; anything else is a 401. */
    public void admin(ServerRequest req) {
        if (!auth.isAdmin(Web.header(req, "Authorization"))) {
            throw ApiException.unauthorized("admin token missing or invalid (Authorization: Bearer <token>)");
        }
    }

    /** The app whose {@code X-API-KEY} this is; 401 when missing or invalid. Applies the key's rate limit. */
    public AppKey apiKey(ServerRequest req) {
        Optional<String> header = Web.header(req, "X-API-KEY");
        if (header.isEmpty() || header.get().isBlank()) {
            throw ApiException.unauthorized("missing API key (X-API-KEY header)");
        }
        AppKey key = auth.apiKey(header).orElseThrow(() -> ApiException.unauthorized("invalid API key"));
        limiter.acquire(key);
        return key;
    }

    /** The admin token for any app, or the app's own key for its own app. */
    public void adminOrOwnKey(ServerRequest req, String appId) {
        if (auth.isAdmin(Web.header(req, "Authorization"))) {
            return;
        }
        if (Web.header(req, "X-API-KEY").isEmpty()) {
            throw ApiException.unauthorized("admin token (Authorization: Bearer) or the app's API key (X-API-KEY) required");
        }
        AppKey key = apiKey(req);
        if (!key.appId().equals(appId)) {
            throw ApiException.forbidden("this API key belongs to another app");
        }
    }
}
