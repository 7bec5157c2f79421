package io.accolade.api.trophy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.accolade.domain.Achievement;
import io.accolade.domain.AttributeFilter;
import io.accolade.domain.Catalog;
import io.accolade.domain.Progress;
import io.accolade.domain.StreakView;
import io.accolade.domain.Trigger;
import io.accolade.domain.User;
import io.accolade.http.Fields;
import io.accolade.http.Json;
import io.accolade.http.Times;
import io.accolade.service.AchievementReads;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of Trophy's API, field for field (names and nullability as Trophy's SDK 1.0.42 and the
 * GET /users/{id}/achievements seed show them). Translation only: no rule of the engine lives here.
 */
final class TrophyJson {
    private TrophyJson() {
    }

    /**
     * AchievementResponse: the trigger's own fields only; {@code description} and {@code badgeUrl} always present
     * (null when empty); {@code userAttributes}/{@code eventAttribute} only when filters are configured.
     */
    static ObjectNode achievement(Achievement a, Catalog catalog) {
        ObjectNode n = Fields.object();
        n.put("id", a.id());
        n.put("name", a.name());
        n.put("trigger", a.trigger().type());
        n.put("description", a.description());
        n.put("badgeUrl", a.badgeUrl());
        n.put("key", a.key());
        switch (a.trigger()) {
            case Trigger.Metric m -> {
                var metric = catalog.metric(m.metricKey());
                n.put("metricId", metric.map(x -> x.id()).orElse(null));
                n.set("metricValue", number(m.metricValue()));
                n.put("metricName", metric.map(x -> x.name()).orElse(m.metricKey()));
            }
            case Trigger.Streak s -> n.put("streakLength", s.length());
            case Trigger.Composite c -> {
                ArrayNode ids = n.putArray("achievementIds");
                c.prerequisites().forEach(k -> catalog.achievement(k).ifPresent(p -> ids.add(p.id())));
            }
            case Trigger.Api api -> { }
        }
        if (!a.userAttributes().isEmpty()) {
            n.set("userAttributes", filters(a.userAttributes()));
        }
        if (!a.eventAttributes().isEmpty()) {
            AttributeFilter first = a.eventAttributes().getFirst();
            n.putObject("eventAttribute").put("key", first.key()).put("value", first.value());
            n.set("eventAttributes", filters(a.eventAttributes()));
        }
        return n;
    }

    /**
     * Each achievement's AchievementResponse fields, serialised once per catalog (a catalog is immutable and
     * replaced on every configuration change), without the closing brace: lists of 100 achievements are then
     * written by appending the per-request fields to these bytes instead of building and serialising 100 trees.
     */
    private static final Catalog.View<ConcurrentHashMap<String, byte[]>> PREFIXES =
            new Catalog.View<>("Trophy's achievement fields", c -> new ConcurrentHashMap<>());

    private static ConcurrentHashMap<String, byte[]> prefixes(Catalog catalog) {
        return catalog.view(PREFIXES);
    }

    private static byte[] prefix(ConcurrentHashMap<String, byte[]> perCatalog, Achievement a, Catalog catalog) {
        byte[] cached = perCatalog.get(a.key());
        return cached != null ? cached : perCatalog.computeIfAbsent(a.key(), k -> {
            byte[] full = Json.write(achievement(a, catalog));
            return Arrays.copyOf(full, full.length - 1);
        });
    }

    /**
     * A JSON array of AchievementResponse (or, with {@code withUser}, UserAchievementResponse) items with
     * {@code completions} and {@code rarity}: the same bytes as {@code withStats(userAchievement(...))} per item.
     */
    static byte[] statsArray(List<AchievementReads.Stat> stats, Catalog catalog, boolean withUser) {
        return stats(stats, catalog, withUser).bytes();
    }

    /**
     * Per achievement, the bytes that close an item: {@code ,"completions":N,"rarity":R}}. The two numbers change at
     * most once a second (the snapshot of the counters), so the bytes are kept with the numbers they were written
     * for and written again only when those differ: a list of 100 items then writes no number per request.
     */
    private record StatBytes(long completions, double rarity, byte[] bytes) {
    }

    private static final Catalog.View<ConcurrentHashMap<String, StatBytes>> STAT_BYTES =
            new Catalog.View<>("Trophy's completions and rarity fields", c -> new ConcurrentHashMap<>());

    private static byte[] statBytes(ConcurrentHashMap<String, StatBytes> perCatalog, AchievementReads.Stat s) {
        String key = s.achievement().key();
        StatBytes kept = perCatalog.get(key);
        if (kept != null && kept.completions() == s.completions() && kept.rarity() == s.rarity()) {
            return kept.bytes();
        }
        byte[] bytes = (",\"completions\":" + s.completions() + ",\"rarity\":" + number(s.rarity()).asText() + "}")
                .getBytes(StandardCharsets.US_ASCII);
        perCatalog.put(key, new StatBytes(s.completions(), s.rarity(), bytes));   // a race only writes it twice
        return bytes;
    }

    private static final byte[] ACHIEVED_AT = ",\"achievedAt\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    /**
     * {@link #statsArray} as written, in a buffer sized to the body before it is written (the pieces are kept bytes;
     * only an {@code achievedAt} is written per request, with room for its longest form). A body sent once is sent
     * from that buffer ({@link Ascii#array}, {@link Ascii#size}): no copy of 30-40 KB per list of 100 achievements.
     */
    static Ascii stats(List<AchievementReads.Stat> stats, Catalog catalog, boolean withUser) {
        ConcurrentHashMap<String, byte[]> prefixes = prefixes(catalog);
        ConcurrentHashMap<String, StatBytes> closings = catalog.view(STAT_BYTES);
        int n = stats.size();
        byte[][] opening = new byte[n][];
        byte[][] closing = new byte[n][];
        int capacity = 2 + n;                                   // the brackets, and commas between items
        for (int i = 0; i < n; i++) {
            AchievementReads.Stat s = stats.get(i);
            opening[i] = prefix(prefixes, s.achievement(), catalog);
            closing[i] = statBytes(closings, s);
            capacity += opening[i].length + closing[i].length;
            if (withUser) {
                capacity += ACHIEVED_AT.length + (s.achievedAt() == null ? NULL.length : Times.ISO_MAX_LENGTH + 2);
            }
        }
        Ascii out = new Ascii(capacity);
        out.add('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.add(',');
            }
            out.add(opening[i]);
            if (withUser) {
                out.add(ACHIEVED_AT);
                Long at = stats.get(i).achievedAt();
                if (at == null) {
                    out.add(NULL);
                } else {
                    out.add('"').addIso(at).add('"'); // digits, '+', '-', ':', '.', 'T', 'Z': nothing to escape
                }
            }
            out.add(closing[i]);
        }
        out.add(']');
        return out;
    }

    /** A growing byte array for JSON whose dynamic parts are ASCII (the static parts come as UTF-8 bytes). */
    static final class Ascii {
        private byte[] buf;
        private int size;

        Ascii(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        Ascii add(char c) {
            room(1);
            buf[size++] = (byte) c;
            return this;
        }

        /** The instant as {@link Times#iso} writes it, straight into the buffer where it can. */
        Ascii addIso(long epochMillis) {
            if (!Times.fastIso(epochMillis)) {
                return add(Times.iso(epochMillis));
            }
            room(Times.ISO_MAX_LENGTH);
            size = Times.writeIso(buf, size, epochMillis);
            return this;
        }

        /** {@code s} must be ASCII (checked: a wrong byte here would be invalid JSON). */
        Ascii add(String s) {
            room(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c > 0x7f) {
                    throw new IllegalArgumentException("not ASCII: " + s);
                }
                buf[size++] = (byte) c;
            }
            return this;
        }

        Ascii add(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, size);
        }

        /** The buffer itself: the body is its first {@link #size} bytes. */
        byte[] array() {
            return buf;
        }

        int size() {
            return size;
        }
    }

    /** UserAchievementResponse: plus {@code achievedAt} (null when not completed). */
    static ObjectNode userAchievement(Achievement a, Progress p, Catalog catalog) {
        return userAchievement(a, p == null ? null : p.firstUnlockedAt(), catalog);
    }

    /** {@code achievedAt}: when the user completed it, null when not. */
    static ObjectNode userAchievement(Achievement a, Long achievedAt, Catalog catalog) {
        ObjectNode n = achievement(a, catalog);
        n.put("achievedAt", Times.isoOrNull(achievedAt));
        return n;
    }

    static ObjectNode withStats(ObjectNode n, long completions, double rarity) {
        n.put("completions", completions);
        n.set("rarity", number(rarity));
        return n;
    }

    /** Largest magnitude up to which every integer is exact in a double (and in JavaScript's numbers). */
    private static final double MAX_EXACT_INTEGER = 9_007_199_254_740_992d;

    /**
     * A number as Trophy writes it: integral values without a fraction ({@code "metricValue": 500}, as the seed
     * shows, not 500.0), other values as they are. Jackson would write every double with ".0".
     */
    static JsonNode number(double v) {
        if (v == Math.rint(v) && Math.abs(v) <= MAX_EXACT_INTEGER) {
            return LongNode.valueOf((long) v);
        }
        return DoubleNode.valueOf(v);
    }

    static ObjectNode user(User u) {
        ObjectNode n = Fields.object();
        n.put("id", u.id());
        n.put("email", u.email());
        n.put("name", u.name());
        n.put("tz", u.tz());
        if (u.deviceTokens() == null) {
            n.putNull("deviceTokens");
        } else {
            ArrayNode t = n.putArray("deviceTokens");
            u.deviceTokens().forEach(t::add);
        }
        n.put("subscribeToEmails", u.subscribeToEmails());
        ObjectNode attrs = n.putObject("attributes");
        u.attributes().forEach(attrs::put);
        n.put("control", u.control());
        n.put("created", Times.iso(u.created()));
        n.put("updated", Times.iso(u.updated()));
        return n;
    }

    /** BaseStreakResponse fields; dates YYYY-MM-DD or null; freeze fields only when enabled. */
    static ObjectNode streak(StreakView s) {
        ObjectNode n = Fields.object();
        n.put("length", s.length());
        n.put("frequency", s.frequency());
        n.put("started", s.started() == null ? null : s.started().toString());
        n.put("periodStart", s.periodStart() == null ? null : s.periodStart().toString());
        n.put("periodEnd", s.periodEnd() == null ? null : s.periodEnd().toString());
        n.put("expires", s.expires() == null ? null : s.expires().toString());
        if (s.freezes() != null) {
            n.put("freezes", s.freezes());
            n.put("maxFreezes", s.maxFreezes());
        }
        if (s.freezeAutoEarnInterval() != null) {
            n.put("freezeAutoEarnInterval", s.freezeAutoEarnInterval());
            n.put("freezeAutoEarnAmount", s.freezeAutoEarnAmount());
        }
        return n;
    }

    /** The user fields of a request body (UpsertedUser / UpdatedUser); unknown members are ignored, as Trophy does. */
    static User.Patch userPatch(Fields f) {
        return new User.Patch(f.optionalString("email"), f.optionalString("name"), f.optionalString("tz"),
                f.optionalStringList("deviceTokens"), f.optionalBoolean("subscribeToEmails"),
                f.optionalStringMap("attributes"));
    }

    /** {@code userAttributes=city:london,plan:pro}: every pair must be key:value. */
    static Optional<Map<String, String>> attributeQuery(Optional<String> raw) {
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : raw.get().split(",")) {
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw io.accolade.http.ApiException.badRequest(
                        "'userAttributes' must be comma-separated key:value pairs");
            }
            out.put(pair.substring(0, colon), pair.substring(colon + 1));
        }
        return Optional.of(out);
    }

    private static ArrayNode filters(List<AttributeFilter> filters) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        filters.forEach(f -> out.addObject().put("key", f.key()).put("value", f.value()));
        return out;
    }
}
