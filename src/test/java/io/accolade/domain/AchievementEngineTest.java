package io.accolade.domain;

import static io.accolade.domain.Defs.api;
import static io.accolade.domain.Defs.composite;
import static io.accolade.domain.Defs.metric;
import static io.accolade.domain.Defs.metricAchievement;
import static io.accolade.domain.Defs.streakAchievement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The engine's rules as timelines: every step is one write (a fresh {@link UserProgress} over what the previous
 * steps stored, as the services do) at an explicit time.
 */
class AchievementEngineTest {
    static final long T0 = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();

    static long at(int minutes) {
        return T0 + minutes * 60_000L;
    }

    /** One user's history against one catalog: stored records, metric totals and attributes. */
    static final class Timeline {
        final AtomicInteger ids = new AtomicInteger();
        final AchievementEngine engine = new AchievementEngine(() -> "completion-" + ids.incrementAndGet());
        final Catalog catalog;
        final Map<String, Progress> stored = new LinkedHashMap<>();
        final Map<String, Double> totals = new HashMap<>();
        Map<String, String> userAttributes = Map.of();
        /** Records the last write changed. */
        List<Progress> lastChanged = List.of();

        Timeline(Catalog catalog) {
            this.catalog = catalog.validate();
        }

        /** A metric event; returns the keys of the achievements it completed, in completion order. */
        List<String> event(long at, String metric, double value) {
            return event(at, metric, value, Map.of());
        }

        List<String> event(long at, String metric, double value, Map<String, String> eventAttributes) {
            double total = totals.merge(metric, value, Double::sum);
            return write(book -> engine.onMetricEvent(catalog, book, userAttributes, metric, value, total,
                    eventAttributes, at));
        }

        List<String> streak(long at, int length) {
            return write(book -> engine.onStreakLength(catalog, book, userAttributes, length, at));
        }

        /** Trophy's complete call: the keys it completed, empty when it changed nothing. */
        List<String> complete(long at, String key) {
            List<Boolean> created = new ArrayList<>();
            List<String> done = write(book -> created.add(engine.complete(catalog, book, userAttributes, a(key), at)));
            assertThat(created.getFirst()).as("complete() says whether it completed").isEqualTo(!done.isEmpty());
            return done;
        }

        List<String> setState(long at, String key, ProgressState state) {
            return write(book -> engine.setState(catalog, book, userAttributes, a(key), state, at));
        }

        List<String> setSteps(long at, String key, long steps) {
            return write(book -> engine.setSteps(catalog, book, userAttributes, a(key), steps, at));
        }

        List<String> increment(long at, String key, long delta) {
            return write(book -> engine.incrementSteps(catalog, book, userAttributes, a(key), delta, at));
        }

        private List<String> write(java.util.function.Consumer<UserProgress> work) {
            UserProgress book = new UserProgress(stored.values());
            work.accept(book);
            lastChanged = book.changed();
            lastChanged.forEach(p -> stored.put(p.achievementKey(), p));
            return book.completedNow().stream().map(Achievement::key).toList();
        }

        Achievement a(String key) {
            return catalog.achievement(key).orElseThrow();
        }

        Progress progress(String key) {
            return stored.get(key);
        }

        boolean completed(String key) {
            return stored.containsKey(key) && stored.get(key).completed();
        }
    }

    static Timeline timeline(List<Metric> metrics, Defs.Def... defs) {
        return new Timeline(Defs.catalog(metrics, defs));
    }

    static void assertRejected(Runnable r, Rejection.Kind kind) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(Rejection.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    // ---- metric thresholds ------------------------------------------------------------------------------------

    @Nested
    class MetricThresholds {
        final Timeline t = timeline(List.of(metric("words")), metricAchievement("novice", "words", 500));

        @Test
        void unlocksAtTheEventThatBringsTheTotalToTheThreshold() {
            assertThat(t.event(at(1), "words", 200)).isEmpty();
            assertThat(t.event(at(2), "words", 200)).isEmpty();
            assertThat(t.event(at(3), "words", 100)).containsExactly("novice");

            Progress p = t.progress("novice");
            assertThat(p.state()).isEqualTo(ProgressState.UNLOCKED);
            assertThat(p.firstUnlockedAt()).isEqualTo(at(3));
            assertThat(p.completionId()).isEqualTo("completion-1");
            assertThat(p.steps()).isEqualTo(500);
            assertThat(p.unlockCount()).isEqualTo(1);
        }

        @Test
        void aTotalJustBelowTheThresholdDoesNotUnlock() {
            assertThat(t.event(at(1), "words", 499.99)).isEmpty();
            assertThat(t.completed("novice")).isFalse();
            assertThat(t.progress("novice").steps()).isEqualTo(499);
        }

        @Test
        void unlocksOnlyOnceHoweverFarTheTotalGoes() {
            t.event(at(1), "words", 600);
            assertThat(t.event(at(2), "words", 600)).isEmpty();
            assertThat(t.event(at(3), "words", 1)).isEmpty();
            assertThat(t.progress("novice").firstUnlockedAt()).isEqualTo(at(1));
            assertThat(t.progress("novice").unlockCount()).isEqualTo(1);
            assertThat(t.ids.get()).as("completion ids issued").isEqualTo(1);
        }

        @Test
        void negativeEventsDelayTheUnlock() {
            assertThat(t.event(at(1), "words", 300)).isEmpty();
            assertThat(t.event(at(2), "words", -100)).isEmpty();
            assertThat(t.progress("novice").steps()).isEqualTo(200);
            assertThat(t.event(at(3), "words", 250)).isEmpty();
            assertThat(t.event(at(4), "words", 50)).containsExactly("novice");
        }

        @Test
        void aNegativeEventNeverTakesACompletionBack() {
            t.event(at(1), "words", 500);
            assertThat(t.event(at(2), "words", -400)).isEmpty();
            assertThat(t.completed("novice")).isTrue();
            assertThat(t.progress("novice").firstUnlockedAt()).isEqualTo(at(1));
        }

        @Test
        void aTotalBelowZeroKeepsStepsAtZero() {
            t.event(at(1), "words", 10);
            t.event(at(2), "words", -50);
            assertThat(t.progress("novice").steps()).isZero();
        }
    }

    @Test
    void decimalValuesAddUpToADecimalThreshold() {
        Timeline t = timeline(List.of(metric("km")), metricAchievement("run", "km", 2.5));
        assertThat(t.event(at(1), "km", 1.25)).isEmpty();
        assertThat(t.event(at(2), "km", 1.2)).isEmpty();
        assertThat(t.event(at(3), "km", 0.05)).containsExactly("run");
        assertThat(t.progress("run").steps()).as("totalSteps = ceil(2.5)").isEqualTo(3);
    }

    @Test
    void oneEventCrossingSeveralThresholdsUnlocksEachOfThemInDefinitionOrder() {
        Timeline t = timeline(List.of(metric("words")),
                metricAchievement("w10", "words", 10), metricAchievement("w50", "words", 50),
                metricAchievement("w100", "words", 100), metricAchievement("w1000", "words", 1000));
        assertThat(t.event(at(1), "words", 120)).containsExactly("w10", "w50", "w100");
        assertThat(t.progress("w1000").steps()).isEqualTo(120);
    }

    @Test
    void eventsOfAnotherMetricDoNotCount() {
        Timeline t = timeline(List.of(metric("words"), metric("posts")), metricAchievement("novice", "words", 5));
        assertThat(t.event(at(1), "posts", 10)).isEmpty();
        assertThat(t.progress("novice")).isNull();
    }

    // ---- event attribute filters ------------------------------------------------------------------------------

    @Nested
    class EventAttributeFilters {
        final Timeline t = timeline(List.of(metric("words")),
                metricAchievement("any", "words", 10),
                metricAchievement("web", "words", 10).eventFilter("source", "web"));

        @Test
        void onlyTheValuesOfMatchingEventsCount() {
            assertThat(t.event(at(1), "words", 6, Map.of("source", "web"))).isEmpty();
            assertThat(t.event(at(2), "words", 6, Map.of("source", "app"))).containsExactly("any");
            assertThat(t.event(at(3), "words", 3, Map.of("source", "web"))).isEmpty();
            assertThat(t.progress("web").metricProgress()).isEqualTo(9);
            assertThat(t.event(at(4), "words", 1, Map.of("source", "web", "lang", "en"))).containsExactly("web");
        }

        @Test
        void anEventWithoutAttributesDoesNotCount() {
            t.event(at(1), "words", 100);
            assertThat(t.completed("web")).isFalse();
            assertThat(t.progress("web")).isNull();
        }

        @Test
        void negativeMatchingEventsLowerTheFilteredProgress() {
            t.event(at(1), "words", 8, Map.of("source", "web"));
            t.event(at(2), "words", -5, Map.of("source", "web"));
            assertThat(t.progress("web").metricProgress()).isEqualTo(3);
            assertThat(t.progress("web").steps()).isEqualTo(3);
            assertThat(t.event(at(3), "words", 6, Map.of("source", "web"))).isEmpty();
        }
    }

    @Test
    void everyEventFilterMustMatch() {
        Timeline t = timeline(List.of(metric("words")),
                metricAchievement("web-en", "words", 10).eventFilter("source", "web").eventFilter("lang", "en"));
        assertThat(t.event(at(1), "words", 10, Map.of("source", "web"))).isEmpty();
        assertThat(t.event(at(2), "words", 10, Map.of("source", "web", "lang", "fr"))).isEmpty();
        assertThat(t.event(at(3), "words", 10, Map.of("source", "web", "lang", "en"))).containsExactly("web-en");
    }

    // ---- user attribute filters -------------------------------------------------------------------------------

    @Nested
    class UserAttributeFilters {
        final Timeline t = timeline(List.of(metric("words")),
                metricAchievement("pro-writer", "words", 100).userFilter("plan", "pro"),
                api("pro-onboarding").userFilter("plan", "pro"));

        @Test
        void aUserWithoutTheAttributeDoesNotUnlock() {
            t.userAttributes = Map.of("plan", "free");
            assertThat(t.event(at(1), "words", 1000)).isEmpty();
            assertThat(t.completed("pro-writer")).isFalse();
        }

        @Test
        void aUserWithNoAttributesAtAllDoesNotUnlock() {
            assertThat(t.event(at(1), "words", 1000)).isEmpty();
        }

        @Test
        void aUserWhoGainsTheAttributeUnlocksAtTheNextEvent() {
            t.userAttributes = Map.of("plan", "free");
            t.event(at(1), "words", 1000);
            t.userAttributes = Map.of("plan", "pro", "city", "london");
            assertThat(t.event(at(2), "words", 1)).containsExactly("pro-writer");
        }

        @Test
        void anApiCompletionForAUserWithoutTheAttributeIsRefused() {
            t.userAttributes = Map.of("plan", "free");
            assertRejected(() -> t.complete(at(1), "pro-onboarding"), Rejection.Kind.CONFLICT);
            assertThat(t.progress("pro-onboarding")).isNull();
        }
    }

    // ---- composite chains -------------------------------------------------------------------------------------

    @Nested
    class CompositeChains {
        // A + B -> C, C -> D, C + E -> F
        final Timeline t = timeline(List.of(metric("words")),
                api("a"), metricAchievement("b", "words", 10), composite("c", "a", "b"), composite("d", "c"),
                api("e"), composite("f", "c", "e"));

        @Test
        void aCompositeWaitsForEveryPrerequisite() {
            assertThat(t.complete(at(1), "a")).containsExactly("a");
            assertThat(t.completed("c")).isFalse();
            assertThat(t.progress("c")).isNull();
        }

        @Test
        void theLastPrerequisiteUnlocksTheChainTransitivelyInTheSameWrite() {
            t.complete(at(1), "a");
            assertThat(t.event(at(2), "words", 10)).containsExactly("b", "c", "d");
            assertThat(t.progress("c").firstUnlockedAt()).isEqualTo(at(2));
            assertThat(t.progress("d").firstUnlockedAt()).isEqualTo(at(2));
            assertThat(t.completed("f")).isFalse();
        }

        @Test
        void theOrderInWhichPrerequisitesCompleteDoesNotMatter() {
            assertThat(t.event(at(1), "words", 10)).containsExactly("b");
            assertThat(t.complete(at(2), "a")).containsExactly("a", "c", "d");
            assertThat(t.complete(at(3), "e")).containsExactly("e", "f");
        }

        @Test
        void eachCompositeGetsItsOwnCompletionId() {
            t.complete(at(1), "a");
            t.event(at(2), "words", 10);
            assertThat(List.of(t.progress("a"), t.progress("b"), t.progress("c"), t.progress("d")))
                    .extracting(Progress::completionId).doesNotHaveDuplicates().doesNotContainNull();
        }
    }

    @Test
    void aMobageUnlockAlsoCompletesTheCompositesThatDependOnIt() {
        Timeline t = timeline(List.of(), api("a"), api("b"), composite("ab", "a", "b"));
        t.complete(at(1), "a");
        assertThat(t.setState(at(2), "b", ProgressState.UNLOCKED)).containsExactly("b", "ab");
    }

    @Test
    void lockedAndInactiveCompositesDoNotUnlock() {
        Timeline t = timeline(List.of(), api("a"),
                composite("locked", "a").status(AchievementStatus.LOCKED),
                composite("inactive", "a").status(AchievementStatus.INACTIVE),
                composite("active", "a"));
        assertThat(t.complete(at(1), "a")).containsExactly("a", "active");
    }

    @Test
    void aCompositeFilteredByUserAttributeWaitsForTheAttribute() {
        Timeline t = timeline(List.of(), api("a"), api("b"), composite("pro-a", "a").userFilter("plan", "pro"));
        assertThat(t.complete(at(1), "a")).containsExactly("a");
        t.userAttributes = Map.of("plan", "pro");
        assertThat(t.complete(at(2), "b")).containsExactly("b", "pro-a");
    }

    // ---- api completion ---------------------------------------------------------------------------------------

    @Test
    void completingTwiceChangesNothing() {
        Timeline t = timeline(List.of(), api("onboarded"), composite("chain", "onboarded"));
        assertThat(t.complete(at(1), "onboarded")).containsExactly("onboarded", "chain");
        Progress first = t.progress("onboarded");

        assertThat(t.complete(at(5), "onboarded")).isEmpty();
        assertThat(t.lastChanged).isEmpty();
        assertThat(t.progress("onboarded")).isEqualTo(first);
        assertThat(first.firstUnlockedAt()).isEqualTo(at(1));
        assertThat(first.unlockCount()).isEqualTo(1);
    }

    @Test
    void onlyApiAchievementsCanBeCompletedThroughTheApi() {
        Timeline t = timeline(List.of(metric("words")), metricAchievement("m", "words", 1), composite("c", "m"),
                streakAchievement("s", 3));
        for (String key : List.of("m", "c", "s")) {
            assertRejected(() -> t.complete(at(1), key), Rejection.Kind.UNPROCESSABLE);
        }
        assertThat(t.stored).isEmpty();
    }

    // ---- locked and inactive ----------------------------------------------------------------------------------

    @Test
    void aLockedAchievementTakesNoNewCompletions() {
        Timeline t = timeline(List.of(metric("words")),
                metricAchievement("m", "words", 10).status(AchievementStatus.LOCKED),
                api("a").status(AchievementStatus.LOCKED));
        assertThat(t.event(at(1), "words", 100)).isEmpty();
        assertThat(t.completed("m")).isFalse();
        assertRejected(() -> t.complete(at(2), "a"), Rejection.Kind.CONFLICT);
        assertThat(t.completed("a")).isFalse();
    }

    @Test
    void anInactiveAchievementIsNotEvenTracked() {
        Timeline t = timeline(List.of(metric("words")),
                metricAchievement("m", "words", 10).status(AchievementStatus.INACTIVE),
                api("a").status(AchievementStatus.INACTIVE),
                streakAchievement("s", 2).status(AchievementStatus.INACTIVE));
        assertThat(t.event(at(1), "words", 100)).isEmpty();
        assertThat(t.streak(at(1), 5)).isEmpty();
        assertThat(t.stored).isEmpty();
        assertRejected(() -> t.complete(at(2), "a"), Rejection.Kind.NOT_FOUND);
    }

    @Test
    void anAchievementCompletedBeforeItWasLockedStaysCompleted() {
        Timeline before = timeline(List.of(), api("a"));
        before.complete(at(1), "a");
        Timeline after = timeline(List.of(), api("a").status(AchievementStatus.LOCKED));
        after.stored.putAll(before.stored);
        assertThat(after.complete(at(2), "a")).as("already completed: nothing to do, no error").isEmpty();
        assertThat(after.progress("a").firstUnlockedAt()).isEqualTo(at(1));
    }

    // ---- streak -----------------------------------------------------------------------------------------------

    @Test
    void streakAchievementsUnlockWhenTheStreakReachesTheirLength() {
        Timeline t = timeline(List.of(), streakAchievement("s3", 3), streakAchievement("s7", 7));
        assertThat(t.streak(at(1), 2)).isEmpty();
        assertThat(t.progress("s3").steps()).isEqualTo(2);
        assertThat(t.streak(at(2), 3)).containsExactly("s3");
        assertThat(t.streak(at(3), 1)).as("a lost streak takes nothing back").isEmpty();
        assertThat(t.completed("s3")).isTrue();
        assertThat(t.progress("s7").steps()).as("steps keep the best length").isEqualTo(3);
    }

    // ---- Mobage: state ----------------------------------------------------------------------------------------

    @Nested
    class MobageState {
        final Timeline t = timeline(List.of(),
                api("hidden").initially(ProgressState.HIDDEN).steps(10),
                api("revealed").steps(10),
                api("again").repeatable().steps(10));

        @Test
        void askingForTheInitialStateCreatesTheRecord() {
            t.setState(at(1), "hidden", ProgressState.HIDDEN);
            assertThat(t.progress("hidden").state()).isEqualTo(ProgressState.HIDDEN);
            t.setState(at(1), "revealed", ProgressState.REVEALED);
            assertThat(t.progress("revealed").state()).isEqualTo(ProgressState.REVEALED);
        }

        @Test
        void hiddenCanBecomeRevealed() {
            assertThat(t.setState(at(1), "hidden", ProgressState.REVEALED)).isEmpty();
            assertThat(t.progress("hidden").state()).isEqualTo(ProgressState.REVEALED);
            assertThat(t.progress("hidden").completed()).isFalse();
        }

        @Test
        void hiddenCanBecomeUnlockedDirectly() {
            assertThat(t.setState(at(1), "hidden", ProgressState.UNLOCKED)).containsExactly("hidden");
            Progress p = t.progress("hidden");
            assertThat(p.state()).isEqualTo(ProgressState.UNLOCKED);
            assertThat(p.steps()).isEqualTo(10);
            assertThat(p.unlockCount()).isEqualTo(1);
            assertThat(p.firstUnlockedAt()).isEqualTo(at(1));
        }

        @Test
        void hiddenCannotBeSetToHiddenAgain() {
            t.setState(at(1), "hidden", ProgressState.HIDDEN);
            assertRejected(() -> t.setState(at(2), "hidden", ProgressState.HIDDEN), Rejection.Kind.CONFLICT);
        }

        @Test
        void revealedCanOnlyBecomeUnlocked() {
            t.setState(at(1), "revealed", ProgressState.REVEALED);
            assertRejected(() -> t.setState(at(2), "revealed", ProgressState.HIDDEN), Rejection.Kind.CONFLICT);
            assertRejected(() -> t.setState(at(2), "revealed", ProgressState.REVEALED), Rejection.Kind.CONFLICT);
            assertThat(t.setState(at(3), "revealed", ProgressState.UNLOCKED)).containsExactly("revealed");
        }

        @Test
        void unlockedCannotGoBack() {
            t.setState(at(1), "revealed", ProgressState.UNLOCKED);
            assertRejected(() -> t.setState(at(2), "revealed", ProgressState.REVEALED), Rejection.Kind.CONFLICT);
            assertRejected(() -> t.setState(at(2), "revealed", ProgressState.HIDDEN), Rejection.Kind.CONFLICT);
        }

        @Test
        void unlockedCannotBeUnlockedAgainUnlessRepeatable() {
            t.setState(at(1), "revealed", ProgressState.UNLOCKED);
            assertRejected(() -> t.setState(at(2), "revealed", ProgressState.UNLOCKED), Rejection.Kind.CONFLICT);
            assertThat(t.progress("revealed").unlockCount()).isEqualTo(1);
        }

        @Test
        void unlockingARepeatableAchievementAgainCountsOneMoreUnlock() {
            assertThat(t.setState(at(1), "again", ProgressState.UNLOCKED)).containsExactly("again");
            String completionId = t.progress("again").completionId();

            assertThat(t.setState(at(2), "again", ProgressState.UNLOCKED)).as("not a new first completion").isEmpty();
            Progress p = t.progress("again");
            assertThat(p.unlockCount()).isEqualTo(2);
            assertThat(p.firstUnlockedAt()).isEqualTo(at(1));
            assertThat(p.lastUnlockedAt()).isEqualTo(at(2));
            assertThat(p.completionId()).isEqualTo(completionId);
        }
    }

    // ---- Mobage: steps ----------------------------------------------------------------------------------------

    @Nested
    class MobageSteps {
        final Timeline t = timeline(List.of(metric("words")),
                api("hidden").initially(ProgressState.HIDDEN).steps(10),
                api("revealed").steps(10),
                api("again").repeatable().steps(10),
                metricAchievement("m", "words", 10));

        @Test
        void stepsCannotChangeWhileHidden() {
            assertRejected(() -> t.setSteps(at(1), "hidden", 3), Rejection.Kind.CONFLICT);
            assertRejected(() -> t.increment(at(1), "hidden", 3), Rejection.Kind.CONFLICT);
            assertThat(t.progress("hidden")).isNull();
        }

        @Test
        void stepsChangeWhileRevealedWithoutUnlockingBelowTheTotal() {
            assertThat(t.setSteps(at(1), "revealed", 9)).isEmpty();
            assertThat(t.progress("revealed").steps()).isEqualTo(9);
            assertThat(t.progress("revealed").state()).isEqualTo(ProgressState.REVEALED);
            assertThat(t.setSteps(at(2), "revealed", 2)).isEmpty();
            assertThat(t.progress("revealed").steps()).as("steps may go down").isEqualTo(2);
        }

        @Test
        void reachingTheTotalUnlocks() {
            t.setSteps(at(1), "revealed", 4);
            assertThat(t.setSteps(at(2), "revealed", 10)).containsExactly("revealed");
            assertThat(t.progress("revealed").state()).isEqualTo(ProgressState.UNLOCKED);
            assertThat(t.progress("revealed").firstUnlockedAt()).isEqualTo(at(2));
        }

        @Test
        void stepsAboveTheTotalAreClampedToIt() {
            assertThat(t.setSteps(at(1), "revealed", 15)).containsExactly("revealed");
            assertThat(t.progress("revealed").steps()).isEqualTo(10);
        }

        @Test
        void stepsOfAnUnlockedNonRepeatableAchievementAreFrozen() {
            t.setSteps(at(1), "revealed", 10);
            assertRejected(() -> t.setSteps(at(2), "revealed", 3), Rejection.Kind.CONFLICT);
            assertRejected(() -> t.increment(at(2), "revealed", -1), Rejection.Kind.CONFLICT);
            assertThat(t.progress("revealed").steps()).isEqualTo(10);
        }

        @Test
        void aRepeatableAchievementUnlocksAgainWhenItsStepsReachTheTotalAgain() {
            t.setSteps(at(1), "again", 10);
            assertThat(t.setSteps(at(2), "again", 3)).isEmpty();
            assertThat(t.progress("again").state()).isEqualTo(ProgressState.UNLOCKED);
            assertThat(t.progress("again").unlockCount()).isEqualTo(1);
            t.setSteps(at(3), "again", 10);
            assertThat(t.progress("again").unlockCount()).isEqualTo(2);
            assertThat(t.progress("again").firstUnlockedAt()).isEqualTo(at(1));
        }

        @Test
        void writingTheTotalAgainWithoutGoingBelowItIsNotAnotherUnlock() {
            t.setSteps(at(1), "again", 10);
            t.setSteps(at(2), "again", 10);
            t.increment(at(3), "again", 5);
            assertThat(t.progress("again").unlockCount()).isEqualTo(1);
        }

        @Test
        void incrementAddsToTheCurrentStepsAndUnlocksAtTheTotal() {
            t.increment(at(1), "revealed", 4);
            t.increment(at(2), "revealed", 3);
            assertThat(t.progress("revealed").steps()).isEqualTo(7);
            assertThat(t.increment(at(3), "revealed", 5)).containsExactly("revealed");
            assertThat(t.progress("revealed").steps()).isEqualTo(10);
        }

        @Test
        void aNegativeIncrementFloorsAtZero() {
            t.setSteps(at(1), "revealed", 3);
            t.increment(at(2), "revealed", -5);
            assertThat(t.progress("revealed").steps()).isZero();
        }

        @Test
        void negativeStepsAreInvalid() {
            assertRejected(() -> t.setSteps(at(1), "revealed", -1), Rejection.Kind.INVALID);
        }

        @Test
        void stepsOfAMetricAchievementFollowTheMetricAndCannotBeWritten() {
            assertRejected(() -> t.setSteps(at(1), "m", 5), Rejection.Kind.CONFLICT);
        }
    }
}
