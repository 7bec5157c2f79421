package io.accolade.domain;

/** A metric definition: one kind of user interaction whose values add up per user. */
public record Metric(String id, String key, String name, String units, boolean archived, long createdAt,
                     long updatedAt) {
    public String status() {
        return archived ? "archived" : "active";
    }
}
