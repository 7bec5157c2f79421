package io.accolade.domain;

import java.util.List;
import java.util.Map;

/** "Attribute {@code key} must equal {@code value}". An achievement's filters must all match. */
public record AttributeFilter(String key, String value) {

    public static boolean allMatch(List<AttributeFilter> filters, Map<String, String> attributes) {
        for (AttributeFilter f : filters) {
            if (attributes == null || !f.value().equals(attributes.get(f.key()))) {
                return false;
            }
        }
        return true;
    }
}
