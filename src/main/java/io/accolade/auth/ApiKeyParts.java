package io.accolade.auth;

import java.util.Optional;

/**
 * An API key as clients send it: {@code <prefix>.<secret>}, the format Trophy uses. The prefix (8 characters) is
 * stored in clear to find the key's row; the whole key is stored only as a SHA-256.
 */
public record ApiKeyParts(String prefix, String full) {
    public static final int PREFIX_LENGTH = 8;
    public static final int SECRET_LENGTH = 40;

    public static ApiKeyParts generate() {
        String prefix = Secrets.random(PREFIX_LENGTH);
        return new ApiKeyParts(prefix, prefix + "." + Secrets.random(SECRET_LENGTH));
    }

    /** Empty when the header value cannot be one of our keys (so no database lookup is spent on it). */
    public static Optional<ApiKeyParts> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String v = header.trim();
        int dot = v.indexOf('.');
        if (dot != PREFIX_LENGTH || v.length() != PREFIX_LENGTH + 1 + SECRET_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (i != dot && !Character.isLetterOrDigit(c) || c > 127) {
                return Optional.empty();
            }
        }
        return Optional.of(new ApiKeyParts(v.substring(0, dot), v));
    }

    public String hash() {
        return Secrets.sha256Hex(full);
    }

    @Override
    public String toString() {
        return "ApiKey[" + prefix + ".****]";
    }
}
