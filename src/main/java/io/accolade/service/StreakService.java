package io.accolade.service;

import io.accolade.domain.Catalog;
import io.accolade.domain.StreakView;
import io.accolade.domain.User;
import io.accolade.domain.UserProgress;
import java.sql.Connection;

/** Streaks (filled in by the streak engine). */
public final class StreakService {

    public StreakView onEvent(Connection c, String appId, User user, Catalog catalog, UserProgress book,
                              String metricKey, double value, long eventTime, long now) {
        return StreakView.none("daily");
    }

    public StreakView current(Connection c, String appId, String userId) {
        return StreakView.none("daily");
    }
}
