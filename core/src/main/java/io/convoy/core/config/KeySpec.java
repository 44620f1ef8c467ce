package io.convoy.core.config;

import java.util.Objects;

/**
 * What a key enum constant declares: name, type, default (null when it has none) and one line of doc. A key enum
 * keeps one in a field and returns it from {@link DeclaredKey#spec()}; the rest of {@link DeclaredKey} follows.
 */
public record KeySpec(String key, ValueType type, String defaultValue, String doc) {
    public KeySpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
    }
}
