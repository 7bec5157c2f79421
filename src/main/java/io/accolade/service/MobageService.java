package io.accolade.service;

import io.accolade.domain.Achievement;
import io.accolade.domain.AchievementEngine;
import io.accolade.domain.AchievementStatus;
import io.accolade.domain.Catalog;
import io.accolade.domain.Ids;
import io.accolade.domain.NaturalOrder;
import io.accolade.domain.Progress;
import io.accolade.domain.ProgressState;
import io.accolade.domain.Rejection;
import io.accolade.domain.User;
import io.accolade.domain.UserProgress;
import io.accolade.store.Database;
import io.accolade.store.ProgressStore;
import io.accolade.store.UserCache;
import io.accolade.store.UserStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mobage's User Achievement and Achievement resources over the shared engine. Writes run like every other write:
 * one transaction that locks the user first, runs {@link AchievementEngine}, and stores through
 * {@link ProgressRecorder}, so an unlock here counts in Trophy's completions and completes prerequisite chains.
 * Reads see only records that exist and only achievements that are not inactive.
 */
public final class MobageService {
    private final Database db;
    private final Catalogs catalogs;
    private final UserService users;
    private final ProgressStore progress;
    private final ProgressRecorder recorder;
    private final AchievementEngine engine;
    private final Clock clock;
    private volatile GroupCommit groupCommit;
    /**
     * Each user's records as {@code @self} reads them (all of them, whatever a read filters by), bounded by the number
     * of records kept; served only while no write of the user has ended on any node since (see {@link UserCache}).
     */
    private final UserCache<List<Progress>> records;
    /** The records a write starts from (shared with metric events: one user's writes through either dialect). */
    private final LockedRecords lockedRecords;

    /** Writes then share transactions with concurrent writes (metric events included); null: off. */
    public MobageService withGroupCommit(GroupCommit g) {
        this.groupCommit = g;
        return this;
    }

    public MobageService(Database db, Catalogs catalogs, UserService users, ProgressStore progress,
                         LockedRecords lockedRecords, ProgressRecorder recorder, AchievementEngine engine,
                         Clock clock, long cachedRecords) {
        this.db = db;
        this.catalogs = catalogs;
        this.users = users;
        this.progress = progress;
        this.lockedRecords = lockedRecords;
        this.recorder = recorder;
        this.engine = engine;
        this.clock = clock;
        this.records = new UserCache<>(db.userChanges(), cachedRecords, List::size);
    }

    /** One user's record of one achievement: Mobage's User Achievement (achievementId = the achievement key). */
    public record UserAchievement(String userId, Progress progress) {
    }

    /** The keys collection reads can sort by. */
    public enum SortKey { USER_ID, ACHIEVEMENT_ID, UPDATED }

    public record Sort(SortKey key, boolean descending) {
    }

    /**
     * The options of a collection read, already validated: keep records in {@code state}, sort, keep records updated
     * at or after {@code updatedSince} (only when sorting by updated, as the seed says), then page.
     *
     * @param startIndex 1-based index of the first entry of the page
     */
    public record Query(Optional<ProgressState> state, Optional<Sort> sort, Optional<Long> updatedSince,
                        int startIndex, int count) {
        boolean appliesUpdatedSince() {
            return updatedSince.isPresent() && sort.map(s -> s.key() == SortKey.UPDATED).orElse(false);
        }
    }

    /** One page of a collection, and which options took effect. */
    public record Page<T>(List<T> entries, int startIndex, int totalResults, boolean filtered, boolean sorted,
                          boolean updatedSince) {
    }

    /** A write of Mobage's dialect: PUT fields=state, PUT fields=steps, or an increment of steps. */
    public sealed interface Change {
        record State(ProgressState target) implements Change {
        }

        record Steps(long steps) implements Change {
        }

        record Increment(long delta) implements Change {
        }
    }

    // ---- writes -----------------------------------------------------------------------------------------------

    /**
     * Applies a change to the user's record of the achievement (created at the definition's initial state when
     * absent) and returns the record afterwards. Forbidden transitions are CONFLICT rejections.
     */
    public UserAchievement write(String appId, String userId, String achievementKey, Change change) {
        Catalog catalog = catalogs.of(appId);
        Achievement a = visible(catalog, achievementKey)
                .orElseThrow(() -> Rejection.achievementNotFound(achievementKey));
        long now = clock.millis();
        Database.Work<UserAchievement> work = c -> {
            UserStore.Locked locked = users.lockExisting(c, appId, userId);
            User user = locked.user();
            LockedRecords.Write write = lockedRecords.start(c, appId, userId, locked.writeSeq(), catalog);
            UserProgress book = write.book();
            switch (change) {
                case Change.State s -> engine.setState(catalog, book, user.attributes(), a, s.target(), now);
                case Change.Steps s -> engine.setSteps(catalog, book, user.attributes(), a, s.steps(), now);
                case Change.Increment i -> engine.incrementSteps(catalog, book, user.attributes(), a, i.delta(), now);
            }
            recorder.persist(c, appId, userId, book);
            write.keepAfterCommit(); // the streak stays as it was
            return new UserAchievement(userId, book.get(a.key()).orElseThrow());
        };
        return groupCommit != null ? groupCommit.run(appId, userId, work) : db.transaction(work);
    }

    // ---- user achievement reads -------------------------------------------------------------------------------

    /** One user, one achievement: the record, or 404 when the user, the achievement or the record is unknown. */
    public UserAchievement one(String appId, String userId, String achievementKey) {
        Catalog catalog = catalogs.of(appId);
        List<ProgressStore.Row> rows = recordsOf(appId, userId, List.of(achievementKey), null);
        if (visible(catalog, achievementKey).isEmpty()) {
            throw Rejection.achievementNotFound(achievementKey);
        }
        return rows.stream()
                .findFirst()
                .map(r -> new UserAchievement(r.userId(), r.progress()))
                .orElseThrow(() -> Rejection.notFound("User Achievement Not Found: user '" + Ids.abbreviate(userId)
                        + "' has no record of '" + Ids.abbreviate(achievementKey) + "'"));
    }

    /**
     * {@code @self}: the records of {@code userIds} (of {@code achievementKeys} only, when given). A single unknown
     * user is a 404; in a list, unknown users contribute nothing. Default order: users as listed, then achievements
     * as listed (or in definition order).
     */
    public Page<UserAchievement> ofUsers(String appId, List<String> userIds, Optional<List<String>> achievementKeys,
                                         Query q) {
        Catalog catalog = catalogs.of(appId);
        // All of the users' records when no ids were asked for (fewer bind parameters); invisible ones drop below.
        List<String> asked = achievementKeys.isPresent() ? visibleKeys(catalog, achievementKeys) : null;
        Map<String, Integer> keyRank = asked != null ? ranks(asked) : catalog.view(DEFINITION_ORDER);
        Map<String, Integer> userRank = ranks(userIds);
        ProgressState state = q.state().orElse(null);
        List<ProgressStore.Row> rows = userIds.size() == 1
                ? recordsOf(appId, userIds.getFirst(), asked, state)
                : db.read(c -> progress.forUsers(c, appId, userIds, asked, state));
        // The default order (users as asked, then achievements as asked or defined) as one number per record, so
        // that sorting looks nothing up; records of achievements that are not visible have no rank and drop out.
        record Positioned(long position, UserAchievement record) {
        }
        List<Positioned> visible = new ArrayList<>(rows.size());
        for (ProgressStore.Row r : rows) {
            Integer k = keyRank.get(r.progress().achievementKey());
            if (k != null) {
                long u = userRank.getOrDefault(r.userId(), Integer.MAX_VALUE);
                visible.add(new Positioned(u << 32 | k, new UserAchievement(r.userId(), r.progress())));
            }
        }
        visible.sort(Comparator.comparingLong(Positioned::position));
        return page(visible.stream().map(Positioned::record).toList(), q);
    }

    /**
     * One user's records (404 when the user is unknown), of {@code keys} only when not null and in {@code state}
     * only when not null: all of them from memory when a read of them is current, else all of them from the store
     * (one statement, which also tells whether the user exists), kept for the next read whatever it filters by.
     */
    private List<ProgressStore.Row> recordsOf(String appId, String userId, List<String> keys, ProgressState state) {
        List<Progress> all = records.get(appId, userId, () -> db.read(c ->
                        progress.forUserIfKnown(c, appId, userId, null, null))
                .orElseThrow(() -> Rejection.userNotFound(userId))
                .stream().map(ProgressStore.Row::progress).toList());
        Set<String> asked = keys == null ? null : new HashSet<>(keys);
        List<ProgressStore.Row> out = new ArrayList<>(all.size());
        for (Progress p : all) {
            if ((asked == null || asked.contains(p.achievementKey())) && (state == null || p.state() == state)) {
                out.add(new ProgressStore.Row(userId, p));
            }
        }
        return out;
    }

    /**
     * {@code @friends}: the records of the friends of {@code userIds} for {@code achievementKeys}. Default order:
     * friends by id, then achievements as listed.
     */
    public Page<UserAchievement> ofFriends(String appId, List<String> userIds, List<String> achievementKeys,
                                           Query q) {
        Catalog catalog = catalogs.of(appId);
        List<String> keys = visibleKeys(catalog, Optional.of(achievementKeys));
        List<ProgressStore.Row> rows = db.read(c -> {
            if (userIds.size() == 1) {
                requireUser(c, appId, userIds.getFirst());
            }
            return progress.forFriendsOf(c, appId, userIds, keys, q.state().orElse(null));
        });
        Map<String, Integer> keyRank = ranks(keys);
        Comparator<UserAchievement> order = Comparator
                .comparing(UserAchievement::userId, NaturalOrder.INSTANCE)
                .thenComparingInt(u -> keyRank.getOrDefault(u.progress().achievementKey(), Integer.MAX_VALUE));
        List<UserAchievement> all = new ArrayList<>(rows.size());
        rows.forEach(r -> all.add(new UserAchievement(r.userId(), r.progress())));
        all.sort(order);
        return page(all, q);
    }

    /**
     * Filter (updatedSince when it applies; the state filter is the store's, so the records here are already in
     * {@code q.state()}), sort (stable, so records the sort key ties keep the default order), then page.
     */
    private static Page<UserAchievement> page(List<UserAchievement> inState, Query q) {
        List<UserAchievement> all = new ArrayList<>();
        for (UserAchievement u : inState) {
            if (!q.appliesUpdatedSince() || u.progress().updatedAt() >= q.updatedSince().get()) {
                all.add(u);
            }
        }
        q.sort().ifPresent(s -> all.sort(s.descending() ? comparator(s.key()).reversed() : comparator(s.key())));
        return slice(all, q, q.state().isPresent(), q.sort().isPresent(), q.appliesUpdatedSince());
    }

    private static Comparator<UserAchievement> comparator(SortKey key) {
        return switch (key) {
            case USER_ID -> Comparator.comparing(UserAchievement::userId, NaturalOrder.INSTANCE);
            case ACHIEVEMENT_ID -> Comparator.comparing(u -> u.progress().achievementKey(), NaturalOrder.INSTANCE);
            case UPDATED -> Comparator.comparingLong(u -> u.progress().updatedAt());
        };
    }

    private static <T> Page<T> slice(List<T> all, Query q, boolean filtered, boolean sorted, boolean since) {
        int from = (int) Math.min((long) q.startIndex() - 1, all.size());
        int to = (int) Math.min((long) from + q.count(), all.size());
        return new Page<>(List.copyOf(all.subList(from, to)), q.startIndex(), all.size(), filtered, sorted, since);
    }

    // ---- achievement definitions ------------------------------------------------------------------------------

    /**
     * Definitions as Mobage shows them: neither inactive nor undisclosed; all in definition order, or those of
     * {@code keys} in the order asked (unknown ones contribute nothing).
     */
    public Page<Achievement> definitions(String appId, Optional<List<String>> keys, Query q) {
        Catalog catalog = catalogs.of(appId);
        List<Achievement> shown = new ArrayList<>();
        if (keys.isPresent()) {
            keys.get().forEach(k -> disclosed(catalog, k).ifPresent(shown::add));
        } else {
            catalog.achievements().forEach(a -> disclosed(catalog, a.key()).ifPresent(shown::add));
        }
        return slice(shown, q, false, false, false);
    }

    public Achievement definition(String appId, String key) {
        return disclosed(catalogs.of(appId), key).orElseThrow(() -> Rejection.achievementNotFound(key));
    }

    // ---- shared -----------------------------------------------------------------------------------------------

    /** Inactive achievements do not exist for this dialect. */
    private static Optional<Achievement> visible(Catalog catalog, String key) {
        return catalog.achievement(key).filter(a -> a.status() != AchievementStatus.INACTIVE);
    }

    private static Optional<Achievement> disclosed(Catalog catalog, String key) {
        return visible(catalog, key).filter(a -> a.presentation().disclosed());
    }

    /** The keys to read: those asked for that are visible, or every visible one in definition order. */
    private static List<String> visibleKeys(Catalog catalog, Optional<List<String>> asked) {
        if (asked.isPresent()) {
            return asked.get().stream().filter(k -> visible(catalog, k).isPresent()).toList();
        }
        return catalog.achievements().stream()
                .filter(a -> a.status() != AchievementStatus.INACTIVE)
                .map(Achievement::key)
                .toList();
    }

    /**
     * Every visible key's position in definition order: the default order of a collection read that names no
     * achievements, the same for every such request under one catalog.
     */
    private static final Catalog.View<Map<String, Integer>> DEFINITION_ORDER = new Catalog.View<>(
            "Mobage's definition order", c -> Map.copyOf(ranks(visibleKeys(c, Optional.empty()))));

    private static Map<String, Integer> ranks(List<String> ids) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            out.putIfAbsent(ids.get(i), i);
        }
        return out;
    }

    /** A 404 for an unknown user, checked on the connection that then reads the user's records. */
    private void requireUser(java.sql.Connection c, String appId, String userId) {
        if (users.find(c, appId, userId).isEmpty()) {
            throw Rejection.userNotFound(userId);
        }
    }
}
