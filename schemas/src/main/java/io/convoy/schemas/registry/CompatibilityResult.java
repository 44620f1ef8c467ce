package io.convoy.schemas.registry;

import java.util.List;

/**
 * Answer of a compatibility check.
 *
 * @param compatible whether the registry accepts the schema as a new version of the subject
 * @param messages   the registry's explanation when it gives one (may be empty)
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
