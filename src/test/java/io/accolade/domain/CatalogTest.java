package io.accolade.domain;

import static io.accolade.domain.Defs.api;
import static io.accolade.domain.Defs.composite;
import static io.accolade.domain.Defs.metric;
import static io.accolade.domain.Defs.metricAchievement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules a whole definition set must satisfy ({@link Catalog#validate()}). */
class CatalogTest {

    private static void assertInvalid(Catalog c, String... messageParts) {
        assertThatThrownBy(c::validate).isInstanceOfSatisfying(Rejection.class, e -> {
            assertThat(e.kind()).isEqualTo(Rejection.Kind.UNPROCESSABLE);
            assertThat(e.getMessage()).contains(messageParts);
        });
    }

    @Test
    void aConsistentSetIsValid() {
        Catalog c = Defs.catalog(List.of(metric("words")), metricAchievement("w", "words", 5), api("a"),
                composite("both", "w", "a"), composite("more", "both"));
        assertThatCode(c::validate).doesNotThrowAnyException();
    }

    @Test
    void aMetricTriggerMustNameAKnownMetric() {
        Catalog c = Defs.catalog(List.of(metric("words")), metricAchievement("w", "posts", 5));
        assertInvalid(c, "'achievements.w.metricKey'", "unknown metric 'posts'");
    }

    @Test
    void anAchievementCannotRequireItself() {
        assertInvalid(Defs.catalog(List.of(), api("a"), composite("self", "a", "self")),
                "'achievements.self.prerequisites'", "itself");
    }

    @Test
    void aTwoStepCycleIsRefused() {
        Catalog c = Defs.catalog(List.of(), composite("a", "b"), composite("b", "a"));
        assertInvalid(c, ".prerequisites'", "cycle");
        assertThatThrownBy(c::validate).hasMessageContaining("a -> b -> a");
    }

    @Test
    void aLongerCycleIsRefusedAndNamed() {
        Catalog c = Defs.catalog(List.of(), api("root"), composite("a", "root", "c"), composite("b", "a"),
                composite("c", "b"));
        assertInvalid(c, "cycle");
        assertThatThrownBy(c::validate).hasMessageContaining("a -> c -> b -> a");
    }

    @Test
    void aDiamondIsNotACycle() {
        Catalog c = Defs.catalog(List.of(), api("root"), composite("left", "root"), composite("right", "root"),
                composite("top", "left", "right"));
        assertThatCode(c::validate).doesNotThrowAnyException();
    }

    @Test
    void aPrerequisiteMustExist() {
        assertInvalid(Defs.catalog(List.of(), api("a"), composite("c", "a", "ghost")),
                "'achievements.c.prerequisites'", "unknown achievement 'ghost'");
    }

    @Test
    void removingAMetricInUseMakesTheSetInvalid() {
        Catalog c = Defs.catalog(List.of(metric("words")), metricAchievement("w", "words", 5)).validate();
        assertInvalid(c.withoutMetric("words"), "unknown metric 'words'");
    }

    @Test
    void aViewIsBuiltOncePerCatalogAndAChangedCatalogBuildsItsOwn() {
        java.util.concurrent.atomic.AtomicInteger builds = new java.util.concurrent.atomic.AtomicInteger();
        Catalog.View<List<String>> keys = new Catalog.View<>("keys", c -> {
            builds.incrementAndGet();
            return c.achievements().stream().map(Achievement::key).toList();
        });
        Catalog before = Defs.catalog(List.of(), api("a"), api("b"));

        assertThat(before.view(keys)).containsExactly("a", "b");
        assertThat(before.view(keys)).isSameAs(before.view(keys));
        assertThat(builds).hasValue(1);

        Catalog after = before.withoutAchievement("a");
        assertThat(after.view(keys)).containsExactly("b");
        assertThat(before.view(keys)).containsExactly("a", "b");
        assertThat(builds).hasValue(2);
    }
}
