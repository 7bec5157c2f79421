package io.accolade.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The API families Accolade speaks, each with its own error body. The path prefix decides the dialect, so an error
 * raised anywhere (even by the HTTP layer before routing) is rendered in the shape the client's SDK parses.
 */
public enum Dialect {
    /** Trophy's application API and Accolade's admin API: {@code {"error": "..."}}, the body Trophy's SDK parses. */
    TROPHY,
    /** Mobage's Social API: {@code {"Error": {"Message": "..."}}}. */
    MOBAGE,
    /** OAuth 2.0 token endpoints (RFC 6749 section 5.2): {@code {"error": code, "error_description": "..."}}. */
    OAUTH;

    public static final String MOBAGE_PREFIX = "/social/api/restful/v2";
    public static final String OAUTH_PREFIX = "/oauth2";

    public static Dialect forPath(String path) {
        if (path.startsWith(MOBAGE_PREFIX)) {
            return MOBAGE;
        }
        if (path.startsWith(OAUTH_PREFIX)) {
            return OAUTH;
        }
        return TROPHY;
    }

    public ObjectNode errorBody(int status, String message, String requestId) {
        return errorBody(status, null, message, requestId);
    }

    /** {@code code}: the dialect's error code when the thrower chose one, else null (derived from the status). */
    public ObjectNode errorBody(int status, String code, String message, String requestId) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        switch (this) {
            case MOBAGE -> body.putObject("Error").put("Message", message);
            case OAUTH -> {
                body.put("error", code != null ? code : oauthCode(status));
                body.put("error_description", message);
            }
            case TROPHY -> body.put("error", message);
        }
        if (status >= 500 && requestId != null) {
            body.put("requestId", requestId);
        }
        return body;
    }

    private static String oauthCode(int status) {
        return switch (status) {
            case 401 -> "invalid_client";
            case 403 -> "unauthorized_client";
            case 400, 404, 405, 413, 422 -> "invalid_request";
            default -> "server_error";
        };
    }
}
