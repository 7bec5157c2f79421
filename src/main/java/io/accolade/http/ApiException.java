package io.accolade.http;

import java.util.Map;

/**
 * A request that cannot be served, with the status to answer. Handlers throw it; the dialect of the route renders
 * it in its own error shape ({@link Dialect}). The message is shown to the client, so it never holds a secret.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> headers;

    public ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    public ApiException(int status, String message, Map<String, String> headers) {
        this(status, null, message, headers);
    }

    /**
     * @param code the machine-readable error code of dialects that have one (OAuth's {@code unsupported_grant_type});
     *             null lets the dialect derive it from the status
     */
    public ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, message);
    }

    public static ApiException unprocessable(String message) {
        return new ApiException(422, message);
    }

    public static ApiException unavailable(String message, int retryAfterSeconds) {
        return new ApiException(503, message, Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }
}
