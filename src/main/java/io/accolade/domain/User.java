package io.accolade.domain;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A user of an app, identified by the app's own id. {@code tz} drives streak periods (UTC when unset). */
public record User(String id, String email, String name, String tz, List<String> deviceTokens,
                   boolean subscribeToEmails, Map<String, String> attributes, boolean control, long created,
                   long updated) {

    public ZoneId zone() {
        return tz == null ? ZoneOffset.UTC : ZoneId.of(tz);
    }

    /**
     * The fields a request passes about a user; empty means "leave as is". Attributes merge key by key, so inline
     * identification that sends one attribute does not erase the others.
     */
    public record Patch(Optional<String> email, Optional<String> name, Optional<String> tz,
                        Optional<List<String>> deviceTokens, Optional<Boolean> subscribeToEmails,
                        Optional<Map<String, String>> attributes) {

        public static Patch none() {
            return new Patch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }

        public boolean isEmpty() {
            return email.isEmpty() && name.isEmpty() && tz.isEmpty() && deviceTokens.isEmpty()
                    && subscribeToEmails.isEmpty() && attributes.isEmpty();
        }

        /** Checks values that do not depend on the stored user. */
        public Patch validate(String prefix) {
            tz.ifPresent(z -> validateZone(z, prefix + "tz"));
            email.ifPresent(e -> {
                if (e.length() > 254 || !e.matches("[^@\\s]+@[^@\\s]+")) {
                    throw Rejection.invalid("'" + prefix + "email' is not an email address");
                }
            });
            name.ifPresent(n -> {
                if (n.length() > 200) {
                    throw Rejection.invalid("'" + prefix + "name' must be at most 200 characters");
                }
            });
            deviceTokens.ifPresent(t -> {
                if (t.size() > 100 || t.stream().anyMatch(s -> s.isEmpty() || s.length() > 512)) {
                    throw Rejection.invalid("'" + prefix + "deviceTokens' must hold at most 100 tokens of 1-512 characters");
                }
            });
            attributes.ifPresent(a -> validateAttributes(a, prefix + "attributes"));
            return this;
        }
    }

    /**
     * User attributes and event attributes alike: at most 100 keys, each of the form of a key (the form attribute
     * filters use), values of at most 1000 characters.
     */
    public static void validateAttributes(Map<String, String> a, String field) {
        if (a.size() > 100) {
            throw Rejection.invalid("'" + field + "' may hold at most 100 keys");
        }
        a.forEach((k, v) -> {
            if (!Ids.isKey(k)) {
                throw Rejection.invalid("'" + field + "' key '" + Ids.abbreviate(k)
                        + "' must be 1-64 letters, digits, '-', '_' or '.'");
            }
            if (v.length() > 1000) {
                throw Rejection.invalid("'" + field + "." + k + "' must be at most 1000 characters");
            }
        });
    }

    /** A new user from a patch. */
    public static User create(String id, Patch p, long now) {
        User blank = new User(id, null, null, null, null, true, Map.of(), false, now, now);
        return blank.apply(p, now);
    }

    /** This user with the patch applied; {@code updated} moves only when something changed. */
    public User apply(Patch p, long now) {
        Map<String, String> attrs = attributes;
        if (p.attributes().isPresent()) {
            attrs = new LinkedHashMap<>(attributes);
            attrs.putAll(p.attributes().get());
            if (attrs.size() > 100) {
                // A patch merges into what the user has: the bound is on the result, not only on the patch.
                throw Rejection.invalid("'attributes' may hold at most 100 keys; the user has " + attributes.size()
                        + " and this adds " + (attrs.size() - attributes.size()));
            }
        }
        boolean subscribe = p.subscribeToEmails().orElse(subscribeToEmails);
        String mail = p.email().orElse(email);
        if (p.subscribeToEmails().orElse(false) && mail == null) {
            throw Rejection.invalid("'email' is required when 'subscribeToEmails' is true");
        }
        if (!subscribe) {
            // Trophy's rule: a user who opted out of emails has no email address stored.
            mail = null;
        }
        User next = new User(id, mail, p.name().orElse(name), p.tz().orElse(tz),
                p.deviceTokens().orElse(deviceTokens), subscribe, Map.copyOf(attrs), control, created, updated);
        if (next.equals(this)) {
            return this;
        }
        return new User(next.id, next.email, next.name, next.tz, next.deviceTokens, next.subscribeToEmails,
                next.attributes, next.control, created, now);
    }

    /** The JDK's region ids, read once: {@link ZoneId#getAvailableZoneIds} copies them on every call. */
    private static final java.util.Set<String> IANA_ZONES = java.util.Set.copyOf(ZoneId.getAvailableZoneIds());

    /**
     * IANA zone ids only ("Europe/London", "UTC", "Etc/GMT+5"); fixed offsets like "+09:00", "UTC+01:00" or "Z",
     * which Java also parses, are refused: the region ids are exactly the IANA set.
     */
    public static String validateZone(String tz, String field) {
        try {
            if (tz.length() > 64 || !IANA_ZONES.contains(tz)) {
                throw new DateTimeException("not an IANA zone");
            }
            return ZoneId.of(tz).getId();
        } catch (DateTimeException e) {
            throw Rejection.invalid("'" + field + "' must be an IANA time zone such as Europe/London, got '"
                    + Ids.abbreviate(tz) + "'");
        }
    }
}
