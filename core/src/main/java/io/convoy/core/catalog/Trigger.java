package io.convoy.core.catalog;

import java.util.Optional;

/**
 * A user trigger on a table or view.
 *
 * @param definition {@code pg_get_triggerdef}: a complete CREATE TRIGGER statement
 * @param function   the signature of the function it executes
 * @param enabled    {@code pg_trigger.tgenabled}: O (origin, the default), D (disabled), R (replica), A (always)
 */
public record Trigger(QName table, String name, String definition, String function, String enabled, Optional<String> comment) {

    public String key() {
        return table + "." + name;
    }
}
