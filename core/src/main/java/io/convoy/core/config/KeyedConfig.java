package io.convoy.core.config;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An immutable resolved configuration: one {@link KeySetting} per key of {@code K}, in declaration order, each
 * parsed and with its source. Built by {@link KeyLoader}; each service's config class reads typed values from it.
 */
public final class KeyedConfig<K extends Enum<K> & DeclaredKey> {
    /** The source of a value nobody set. */
    public static final String DEFAULT_SOURCE = "default";

    private final Class<K> keys;
    private final Map<K, KeySetting<K>> settings;
    private final Optional<Path> file;
    private final List<String> warnings;

    KeyedConfig(Class<K> keys, Map<K, KeySetting<K>> settings, Optional<Path> file, List<String> warnings) {
        EnumMap<K, KeySetting<K>> copy = new EnumMap<>(keys);
        copy.putAll(settings);
        for (K k : keys.getEnumConstants()) {
            if (!copy.containsKey(k)) {
                throw new IllegalArgumentException("no setting for " + k.key());
            }
        }
        this.keys = keys;
        this.settings = copy;
        this.file = file;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * The parsed value of {@code raw} for {@code key}: MIG020 {@code invalid value 'x' for key (from source): expected
     * ...} when it is not valid, the value masked when it may hold credentials.
     */
    public static <K extends DeclaredKey> KeySetting<K> setting(K key, String raw, String source, Path base) {
        if (raw == null) {
            return new KeySetting<>(key, null, null, source);
        }
        try {
            return new KeySetting<>(key, raw, key.type().parse(raw, base), source);
        } catch (ValueType.Invalid e) {
            throw new ConvoyException(ErrorCode.MIG020, "invalid value '" + key.type().shown(raw) + "' for " + key.key()
                    + " (from " + source + "): expected " + key.type().expected()
                    + (e.detail() == null ? "" : " (" + e.detail() + ")"));
        }
    }

    /** A copy with one key set from another layer; relative paths against {@code base}. */
    public KeyedConfig<K> with(K key, String raw, String source, Path base) {
        EnumMap<K, KeySetting<K>> copy = new EnumMap<>(settings);
        copy.put(key, setting(key, raw, source, base.toAbsolutePath().normalize()));
        return new KeyedConfig<>(keys, copy, file, warnings);
    }

    public KeySetting<K> setting(K key) {
        return settings.get(key);
    }

    /** Every key in declaration order. */
    public List<KeySetting<K>> settings() {
        return List.copyOf(settings.values());
    }

    /** The configuration file that was read, if any. */
    public Optional<Path> file() {
        return file;
    }

    /** Things worth telling that are not errors, e.g. an environment variable with the prefix that is no key. */
    public List<String> warnings() {
        return warnings;
    }

    /** The parsed value; null when unset. */
    public Object value(K key) {
        return settings.get(key).value();
    }

    /** The parsed value, empty when unset. */
    public <T> Optional<T> optional(K key, Class<T> type) {
        return Optional.ofNullable(type.cast(value(key)));
    }

    public String string(K key) { return (String) value(key); }

    public boolean bool(K key) { return (Boolean) value(key); }

    public Path path(K key) { return (Path) value(key); }

    public Duration duration(K key) { return (Duration) value(key); }

    @SuppressWarnings("unchecked")
    public Optional<Duration> optionalDuration(K key) { return (Optional<Duration>) value(key); }

    public int integer(K key) { return (Integer) value(key); }

    public long longValue(K key) { return (Long) value(key); }

    public Pattern pattern(K key) { return (Pattern) value(key); }

    @SuppressWarnings("unchecked")
    public List<String> list(K key) { return (List<String>) value(key); }

    /** A PORT value: empty when off (-1). */
    public Optional<Integer> port(K key) {
        int port = integer(key);
        return port < 0 ? Optional.empty() : Optional.of(port);
    }

    /** One line per key, {@code key  value  (source)}, values masked: {@link KeyTables#effective}. */
    public String describe() {
        return KeyTables.effective(settings());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (KeySetting<K> s : settings.values()) {
            b.append(s.key().key()).append('=').append(s.shown()).append(", ");
        }
        return b.append('}').toString();
    }
}
