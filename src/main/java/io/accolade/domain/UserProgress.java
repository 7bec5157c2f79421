package io.accolade.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The working copy of one user's progress records during one write. The engine changes it in memory; the caller
 * stores {@link #changed()} and reports {@link #completedNow()}. Never shared between requests or threads.
 */
public final class UserProgress {
    private final Map<String, Progress> records = new LinkedHashMap<>();
    private final Set<String> changed = new LinkedHashSet<>();
    private final List<Achievement> completedNow = new ArrayList<>();

    public UserProgress(Collection<Progress> existing) {
        existing.forEach(p -> records.put(p.achievementKey(), p));
    }

    public Optional<Progress> get(String key) {
        return Optional.ofNullable(records.get(key));
    }

    public boolean completed(String key) {
        Progress p = records.get(key);
        return p != null && p.completed();
    }

    void put(Progress p) {
        records.put(p.achievementKey(), p);
        changed.add(p.achievementKey());
    }

    void completedNow(Achievement a) {
        completedNow.add(a);
    }

    /** Records written by this unit of work, to be stored. */
    public List<Progress> changed() {
        return changed.stream().map(records::get).toList();
    }

    /** Achievements this unit of work completed for the first time, in the order they were completed. */
    public List<Achievement> completedNow() {
        return List.copyOf(completedNow);
    }

    public Collection<Progress> all() {
        return records.values();
    }
}
