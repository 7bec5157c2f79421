package io.accolade.api.mobage;

import io.accolade.domain.Ids;
import io.accolade.domain.ProgressState;
import io.accolade.http.ApiException;
import io.accolade.http.Times;
import io.accolade.service.MobageService;
import io.accolade.service.MobageService.Sort;
import io.accolade.service.MobageService.SortKey;
import io.helidon.common.uri.UriQuery;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query options of Mobage's GET calls, checked exactly as the seed limits them: an unknown parameter, a repeated
 * one, a value outside its set, or one of a pair without the other is a 400 that names the parameter.
 *
 * @param fields             the fields to show, in the resource's own field order
 * @param collectionOptions  whether any of filter, sort or updatedSince was given (the ids form then shows the
 *                           {@code filtered}/{@code sorted}/{@code updatedSince} flags too)
 */
record CollectionQuery(int count, int startIndex, Optional<ProgressState> state, Optional<Sort> sort,
                       Optional<Long> updatedSince, List<String> fields, boolean collectionOptions) {

    static final int DEFAULT_COUNT = 50;
    static final int MAX_COUNT = 1000;

    private static final Set<String> USER_ACHIEVEMENT_PARAMETERS = Set.of("format", "count", "startIndex",
            "filterBy", "filterOp", "filterValue", "sortBy", "sortOrder", "updatedSince", "fields");
    private static final Set<String> ACHIEVEMENT_PARAMETERS = Set.of("format", "count", "startIndex", "fields");

    /** Options of the User Achievement reads. */
    static CollectionQuery forUserAchievements(UriQuery query) {
        Map<String, String> p = parameters(query, USER_ACHIEVEMENT_PARAMETERS);
        Optional<ProgressState> state = filter(p);
        Optional<Sort> sort = sort(p);
        Optional<Long> since = Optional.ofNullable(p.get("updatedSince")).map(CollectionQuery::updatedSince);
        boolean options = state.isPresent() || sort.isPresent() || since.isPresent();
        return new CollectionQuery(count(p), startIndex(p), state, sort, since,
                fields(p, MobageJson.USER_ACHIEVEMENT_FIELDS, MobageJson.DEFAULT_USER_ACHIEVEMENT_FIELDS), options);
    }

    /** Options of the Achievement (definition) reads: paging and fields only. */
    static CollectionQuery forAchievements(UriQuery query) {
        Map<String, String> p = parameters(query, ACHIEVEMENT_PARAMETERS);
        return new CollectionQuery(count(p), startIndex(p), Optional.empty(), Optional.empty(), Optional.empty(),
                fields(p, MobageJson.ACHIEVEMENT_FIELDS, MobageJson.ACHIEVEMENT_FIELDS), false);
    }

    MobageService.Query toQuery() {
        return new MobageService.Query(state, sort, updatedSince, startIndex, count);
    }

    /**
     * The parameters as single values. Anything outside {@code allowed}, or given twice, is refused; {@code format}
     * may only be json.
     */
    static Map<String, String> parameters(UriQuery query, Set<String> allowed) {
        List<String> unknown = query.names().stream().filter(n -> !allowed.contains(n)).sorted()
                .map(n -> "'" + Ids.abbreviate(n) + "'").toList();
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown query parameter" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; allowed: "
                    + String.join(", ", allowed.stream().sorted().toList()));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : query.names().stream().sorted().toList()) {
            List<String> values = query.all(name);
            if (values.size() > 1) {
                throw ApiException.badRequest("'" + name + "' is given more than once");
            }
            out.put(name, values.isEmpty() ? "" : values.getFirst());
        }
        String format = out.get("format");
        if (format != null && !format.equals("json")) {
            throw ApiException.badRequest("'format' must be json");
        }
        return out;
    }

    /**
     * filterBy and filterValue go together; filterOp is optional (the seed: omitted means equals) but, when given,
     * must be equals and needs the other two.
     */
    private static Optional<ProgressState> filter(Map<String, String> p) {
        String by = p.get("filterBy");
        String op = p.get("filterOp");
        String value = p.get("filterValue");
        if (by == null && op == null && value == null) {
            return Optional.empty();
        }
        if (op != null && (by == null || value == null)) {
            throw ApiException.badRequest("'filterOp' requires 'filterBy' and 'filterValue'");
        }
        if (by == null) {
            throw ApiException.badRequest("'filterValue' requires 'filterBy'");
        }
        if (value == null) {
            throw ApiException.badRequest("'filterBy' requires 'filterValue'");
        }
        if (!by.equals("state")) {
            throw ApiException.badRequest("'filterBy' must be state");
        }
        if (op != null && !op.equals("equals")) {
            throw ApiException.badRequest("'filterOp' must be equals");
        }
        return switch (value) {
            case "HIDDEN" -> Optional.of(ProgressState.HIDDEN);
            case "REVEALED" -> Optional.of(ProgressState.REVEALED);
            case "UNLOCKED" -> Optional.of(ProgressState.UNLOCKED);
            default -> throw ApiException.badRequest("'filterValue' must be one of HIDDEN, REVEALED, UNLOCKED");
        };
    }

    private static Optional<Sort> sort(Map<String, String> p) {
        String by = p.get("sortBy");
        String order = p.get("sortOrder");
        if (by == null && order == null) {
            return Optional.empty();
        }
        if (by == null) {
            throw ApiException.badRequest("'sortOrder' requires 'sortBy'");
        }
        if (order == null) {
            throw ApiException.badRequest("'sortBy' requires 'sortOrder'");
        }
        SortKey key = switch (by) {
            case "userId" -> SortKey.USER_ID;
            case "achievementId" -> SortKey.ACHIEVEMENT_ID;
            case "updated" -> SortKey.UPDATED;
            default -> throw ApiException.badRequest("'sortBy' must be one of userId, achievementId, updated");
        };
        boolean descending = switch (order) {
            case "ascending" -> false;
            case "descending" -> true;
            default -> throw ApiException.badRequest("'sortOrder' must be ascending or descending");
        };
        return Optional.of(new Sort(key, descending));
    }

    private static long updatedSince(String v) {
        return Times.parseMobageStrict(v).orElseThrow(() -> ApiException.badRequest(
                "'updatedSince' must be a GMT date-time yyyy-MM-ddTHH:mm:ss, e.g. 2013-07-13T05:37:11"));
    }

    private static int count(Map<String, String> p) {
        return integer(p, "count", DEFAULT_COUNT, 1, MAX_COUNT);
    }

    private static int startIndex(Map<String, String> p) {
        return integer(p, "startIndex", 1, 1, Integer.MAX_VALUE);
    }

    private static int integer(Map<String, String> p, String name, int defaultValue, int min, int max) {
        String v = p.get(name);
        if (v == null) {
            return defaultValue;
        }
        String range = max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max;
        if (!v.matches("[0-9]{1,10}")) {
            throw ApiException.badRequest("'" + name + "' must be a whole number " + range);
        }
        long n = Long.parseLong(v);
        if (n < min || n > max) {
            throw ApiException.badRequest("'" + name + "' must be a whole number " + range);
        }
        return (int) n;
    }

    /** A comma-separated subset of {@code allowed} (no spaces, as the seed says), shown in {@code allowed}'s order. */
    static List<String> fields(Map<String, String> p, List<String> allowed, List<String> defaults) {
        String v = p.get("fields");
        if (v == null) {
            return defaults;
        }
        Set<String> asked = new LinkedHashSet<>();
        for (String f : v.split(",", -1)) {
            if (!allowed.contains(f)) {
                throw ApiException.badRequest("'fields' must be a comma-separated list of " + String.join(", ",
                        allowed) + (f.isEmpty() ? "" : "; unknown field '" + Ids.abbreviate(f) + "'"));
            }
            asked.add(f);
        }
        return allowed.stream().filter(asked::contains).toList();
    }
}
