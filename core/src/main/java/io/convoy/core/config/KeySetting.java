package io.convoy.core.config;

/**
 * One key's effective value.
 *
 * @param raw    the value as written; null when the key is unset
 * @param value  the value parsed by the key's {@link ValueType}; null when unset
 * @param source where it came from: {@code default}, {@code planner.yaml:3}, {@code env CONVOY_PLANNER_X},
 *               a flag such as {@code --url}, or what set it in code
 */
public record KeySetting<K extends DeclaredKey>(K key, String raw, Object value, String source) {
    public boolean isSet() {
        return raw != null;
    }

    /** The value as it may be shown: secrets as ****, URLs masked, paths resolved, {@code (not set)} when unset. */
    public String shown() {
        if (raw == null) {
            return "(not set)";
        }
        return key.type() == ValueType.PATH ? value.toString() : key.type().shown(raw);
    }
}
