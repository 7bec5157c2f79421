package io.accolade.domain;

import java.util.List;

/** What completes an achievement. The closed set Trophy defines. */
public sealed interface Trigger {

    /** Wire name: metric, streak, api, achievement. */
    String type();

    /** The user's total of {@code metricKey} (or, with event filters, of the matching events) reaches the value. */
    record Metric(String metricKey, double metricValue) implements Trigger {
        public String type() {
            return "metric";
        }
    }

    /** The user's streak length reaches {@code length}. */
    record Streak(int length) implements Trigger {
        public String type() {
            return "streak";
        }
    }

    /** The app says so: Trophy's complete call, or Mobage's PUT/increment. */
    record Api() implements Trigger {
        public String type() {
            return "api";
        }
    }

    /** Every prerequisite (by key) is completed. */
    record Composite(List<String> prerequisites) implements Trigger {
        public String type() {
            return "achievement";
        }
    }
}
