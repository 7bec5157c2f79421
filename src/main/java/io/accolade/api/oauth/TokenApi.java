package io.accolade.api.oauth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.api.Guard;
import io.accolade.auth.Authenticator.AppKey;
import io.accolade.http.ApiException;
import io.accolade.http.Fields;
import io.accolade.http.Json;
import io.accolade.http.Routes;
import io.accolade.http.Web;
import io.accolade.service.TokenService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The OAuth 2.0 endpoints that issue and revoke the Mobage dialect's user tokens. {@code POST /oauth2/token} speaks
 * the token exchange grant (RFC 8693): the app's backend, authenticated as the client, trades a user id for that
 * user's access token. {@code POST /oauth2/revoke} is RFC 7009. Errors are RFC 6749 section 5.2 bodies.
 */
public final class TokenApi {
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String USER_ID_TOKEN_TYPE = "urn:accolade:params:oauth:token-type:user-id";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private final Guard guard;
    private final TokenService tokens;

    public TokenApi(Guard guard, TokenService tokens) {
        this.guard = guard;
        this.tokens = tokens;
    }

    public void register(Routes r) {
        r.post("/oauth2/token", (req, res) -> {
            AppKey client = guard.client(req);
            Map<String, String> form = form(req);
            String grant = required(form, "grant_type");
            if (!grant.equals(TOKEN_EXCHANGE)) {
                throw oauthError(400, "unsupported_grant_type", "only the token exchange grant ("
                        + TOKEN_EXCHANGE + ") is supported");
            }
            String subject = required(form, "subject_token");
            String subjectType = required(form, "subject_token_type");
            if (!subjectType.equals(USER_ID_TOKEN_TYPE)) {
                throw invalidRequest("'subject_token_type' must be " + USER_ID_TOKEN_TYPE);
            }
            Optional.ofNullable(form.get("requested_token_type")).ifPresent(t -> {
                if (!t.equals(ACCESS_TOKEN_TYPE)) {
                    throw invalidRequest("'requested_token_type' must be " + ACCESS_TOKEN_TYPE);
                }
            });
            if (form.containsKey("actor_token")) {
                throw invalidRequest("delegation ('actor_token') is not supported");
            }
            TokenService.Issued issued = tokens.exchange(client, subject);
            ObjectNode body = Fields.object();
            body.put("access_token", issued.token());
            body.put("issued_token_type", ACCESS_TOKEN_TYPE);
            body.put("token_type", "Bearer");
            body.put("expires_in", issued.expiresInSeconds());
            // RFC 6749 section 5.1: a response that carries a token must not be cached.
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.header(HeaderNames.PRAGMA, "no-cache");
            res.send(Json.write(body));
        });
        r.post("/oauth2/revoke", (req, res) -> {
            AppKey client = guard.client(req);
            Map<String, String> form = form(req);
            tokens.revoke(client, required(form, "token"));
            // RFC 7009 section 2.2: 200 whether or not the token was valid, known, or already revoked.
            res.status(Status.OK_200);
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send();
        });
    }

    /** An {@code application/x-www-form-urlencoded} body; a repeated parameter is refused (RFC 6749 section 3.2). */
    static Map<String, String> form(ServerRequest req) {
        String type = Web.header(req, "Content-Type").orElse("");
        if (!type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)) {
            throw invalidRequest("the request body must be application/x-www-form-urlencoded");
        }
        String body = new String(Web.body(req), StandardCharsets.UTF_8);
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalidRequest("malformed form encoding");
            }
            if (out.put(name, value) != null) {
                throw invalidRequest("parameter '" + name + "' is repeated");
            }
        }
        return out;
    }

    private static String required(Map<String, String> form, String name) {
        String v = form.get(name);
        if (v == null || v.isEmpty()) {
            throw invalidRequest("'" + name + "' is required");
        }
        return v;
    }

    private static ApiException invalidRequest(String message) {
        return oauthError(400, "invalid_request", message);
    }

    private static ApiException oauthError(int status, String code, String message) {
        return new ApiException(status, code, message, Map.of());
    }
}
