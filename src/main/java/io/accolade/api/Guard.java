package io.accolade.api;

import io.accolade.auth.Authenticator;
import io.accolade.auth.Authenticator.AppKey;
import io.accolade.http.ApiException;
import io.accolade.http.Web;
import io.helidon.webserver.http.ServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
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

    /**
     * An OAuth client (an app's backend) at the token endpoints: HTTP Basic with client_id = the app's id and
     * client_secret = one of its API keys (RFC 6749 section 2.3.1, both form-urlencoded before Base64), or the
     * {@code X-API-KEY} header. A client must use one method only. Applies the key's rate limit.
     */
    public AppKey client(ServerRequest req) {
        Optional<String> authorization = Web.header(req, "Authorization");
        boolean basic = authorization.filter(h -> h.regionMatches(true, 0, "Basic ", 0, 6)).isPresent();
        boolean header = Web.header(req, "X-API-KEY").isPresent();
        if (basic && header) {
            throw ApiException.badRequest("use one client authentication method: HTTP Basic or X-API-KEY");
        }
        if (!basic) {
            if (!header) {
                throw basicChallenge("client authentication required: HTTP Basic (client_id = app id, "
                        + "client_secret = API key) or X-API-KEY");
            }
            return apiKey(req);
        }
        String[] idAndSecret = basicCredentials(authorization.get().substring(6).trim());
        AppKey key = auth.apiKey(Optional.of(idAndSecret[1]))
                .filter(k -> k.appId().equals(idAndSecret[0]))
                .orElseThrow(() -> basicChallenge("invalid client credentials"));
        limiter.acquire(key);
        return key;
    }

    private static String[] basicCredentials(String encoded) {
        try {
            String pair = new String(Base64.getDecoder().decode(encoded),
                    StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw basicChallenge("malformed HTTP Basic credentials");
            }
            return new String[] {
                URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            throw basicChallenge("malformed HTTP Basic credentials");
        }
    }

    private static ApiException basicChallenge(String message) {
        return new ApiException(401, message, Map.of("WWW-Authenticate", "Basic realm=\"accolade\""));
    }

    /** Applies the rate limit of the key behind a credential that is not the key itself (a user token). */
    public void throttle(AppKey key) {
        limiter.acquire(key);
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
