package io.accolade.api;

import io.accolade.auth.Authenticator.AppKey;

/** Limits requests per API key; throws a 429 {@code ApiException} when a key is over its limit. */
public interface RateLimiter {
    void acquire(AppKey key);

    RateLimiter UNLIMITED = key -> { };
}
