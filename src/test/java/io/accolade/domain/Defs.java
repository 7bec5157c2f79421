package io.accolade.domain;

import java.util.ArrayList;
import java.util.List;

/** Test definitions: metrics and achievements built the way the admin API builds them (derived totalSteps). */
final class Defs {
    private Defs() {
    }

    static Metric metric(String key) {
        return new Metric("id-" + key, key, key, null, false, 0, 0);
    }

    static Def api(String key) {
        return new Def(key, new Trigger.Api());
    }

    static Def metricAchievement(String key, String metricKey, double threshold) {
        return new Def(key, new Trigger.Metric(metricKey, threshold));
    }

    static Def streakAchievement(String key, int length) {
        return new Def(key, new Trigger.Streak(length));
    }

    static Def composite(String key, String... prerequisites) {
        return new Def(key, new Trigger.Composite(List.of(prerequisites)));
    }

    /** A mutable achievement draft; {@link #build} derives totalSteps from metric and streak thresholds. */
    static final class Def {
        private final String key;
        private final Trigger trigger;
        private AchievementStatus status = AchievementStatus.ACTIVE;
        private final List<AttributeFilter> userAttributes = new ArrayList<>();
        private final List<AttributeFilter> eventAttributes = new ArrayList<>();
        private ProgressState initialState = ProgressState.REVEALED;
        private long totalSteps = 1;
        private boolean repeatable;

        private Def(String key, Trigger trigger) {
            this.key = key;
            this.trigger = trigger;
        }

        Def status(AchievementStatus s) {
            this.status = s;
            return this;
        }

        Def userFilter(String k, String v) {
            userAttributes.add(new AttributeFilter(k, v));
            return this;
        }

        Def eventFilter(String k, String v) {
            eventAttributes.add(new AttributeFilter(k, v));
            return this;
        }

        Def initially(ProgressState s) {
            this.initialState = s;
            return this;
        }

        Def steps(long total) {
            this.totalSteps = total;
            return this;
        }

        Def repeatable() {
            this.repeatable = true;
            return this;
        }

        Achievement build(int position) {
            long total = switch (trigger) {
                case Trigger.Metric m -> (long) Math.max(1, Math.ceil(m.metricValue()));
                case Trigger.Streak s -> s.length();
                default -> totalSteps;
            };
            return new Achievement("id-" + key, key, "Name " + key, null, null, status, trigger,
                    List.copyOf(userAttributes), List.copyOf(eventAttributes), initialState, total, repeatable,
                    Presentation.none(), position, 0, 0);
        }
    }

    static Catalog catalog(List<Metric> metrics, Def... defs) {
        List<Achievement> list = new ArrayList<>();
        for (int i = 0; i < defs.length; i++) {
            list.add(defs[i].build(i));
        }
        return new Catalog(metrics, list);
    }
}
