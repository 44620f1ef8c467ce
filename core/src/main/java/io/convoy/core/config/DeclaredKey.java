package io.convoy.core.config;

import java.util.Locale;
import java.util.Optional;

/**
 * One declared configuration key: its name, value type, default and one line of documentation. Each service
 * declares its keys once, as an enum implementing this interface (each constant holding its {@link KeySpec});
 * {@link KeyLoader} reads them, {@link KeyTables} prints them. The environment variable is derived from the
 * service's prefix and the name ({@code CONVOY_PLANNER_} + {@code state_wait} = {@code CONVOY_PLANNER_STATE_WAIT}).
 */
public interface DeclaredKey {
    /** The declaration: name, type, default, doc. */
    KeySpec spec();

    /** The prefix of the service's environment variables, e.g. {@code CONVOY_PLANNER_}. */
    String envPrefix();

    /** The name in the configuration file; {@code retry.max_attempts} is {@code retry: {max_attempts: ...}} in YAML. */
    default String key() {
        return spec().key();
    }

    default ValueType type() {
        return spec().type();
    }

    /** The default as it would be written in the file; empty when the key has none. */
    default Optional<String> defaultValue() {
        return Optional.ofNullable(spec().defaultValue());
    }

    /** One line of documentation. */
    default String doc() {
        return spec().doc();
    }

    /** Whether loading fails when nobody set the key; by default, when it has no default. */
    default boolean required() {
        return defaultValue().isEmpty();
    }

    /** {@code CONVOY_PLANNER_RETRY_MAX_ATTEMPTS}: the prefix, then the name upper-cased with dots as underscores. */
    default String envVar() {
        return envPrefix() + key().toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
