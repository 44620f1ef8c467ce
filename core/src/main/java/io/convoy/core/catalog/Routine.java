package io.convoy.core.catalog;

import java.util.Optional;

/**
 * A function or procedure, identified by name and argument types.
 *
 * @param identityArguments {@code pg_get_function_identity_arguments}
 * @param arguments         {@code pg_get_function_arguments} (with names and defaults)
 * @param result            {@code pg_get_function_result}; empty for a procedure
 * @param definition        {@code pg_get_functiondef}: a complete CREATE OR REPLACE statement
 */
public record Routine(
        QName name,
        String identityArguments,
        boolean procedure,
        String arguments,
        String result,
        String definition,
        Optional<String> comment) {

    /** {@code public.f(integer, text)}: how DROP / COMMENT ON name it. */
    public String signature() {
        return name.sql() + "(" + identityArguments + ")";
    }

    public String keyword() {
        return procedure ? "PROCEDURE" : "FUNCTION";
    }

    public String kind() {
        return procedure ? "procedure" : "function";
    }

    /** Identity inside the catalog: name plus argument types. */
    public String key() {
        return name + "(" + identityArguments + ")";
    }
}
