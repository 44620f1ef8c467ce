package io.convoy.core.config;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.script.FileNameTemplate;
import io.convoy.core.util.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The effective configuration: one {@link Setting} per {@link ConfigKey}, each with the layer it
 * came from (default &lt; convoy.yaml &lt; CONVOY_* environment &lt; command line). Immutable;
 * values are parsed and checked when the configuration is built, so a bad value fails early with
 * MIG020 naming the key, the value and where it came from.
 */
public final class ConvoyConfig {
    /** Where the default layer comes from, for {@code convoy config}. */
    public static final String DEFAULT_SOURCE = "default";

    /**
     * One key's effective value.
     *
     * @param raw     the value as written (null when unset)
     * @param value   the parsed value (String, Path, Duration, Optional&lt;Duration&gt;, Integer, Pattern), null when unset
     * @param source  {@code default}, {@code convoy.yaml:3}, {@code env CONVOY_URL} or {@code --url}
     */
    public record Setting(ConfigKey key, String raw, Object value, String source) {
        public boolean isSet() { return raw != null; }
    }

    private final Map<ConfigKey, Setting> settings;
    private final Optional<Path> configFile;
    private final List<String> warnings;

    ConvoyConfig(Map<ConfigKey, Setting> settings, Optional<Path> configFile, List<String> warnings) {
        EnumMap<ConfigKey, Setting> copy = new EnumMap<>(ConfigKey.class);
        copy.putAll(settings);
        for (ConfigKey k : ConfigKey.values()) {
            if (!copy.containsKey(k)) {
                throw new IllegalArgumentException("no setting for " + k.key());
            }
        }
        this.settings = copy;
        this.configFile = configFile;
        this.warnings = List.copyOf(warnings);
    }

    /** Defaults only: what you get with no convoy.yaml, no environment and no flags. */
    public static ConvoyConfig defaults(Path workingDirectory) {
        return ConfigLoader.load(workingDirectory, Optional.empty(), Map.of(), Map.of(), false);
    }

    /** A copy with one key set from another layer (e.g. {@code convoy local} pointing url at its own server). */
    public ConvoyConfig with(ConfigKey key, String raw, String source, Path baseDirectory) {
        EnumMap<ConfigKey, Setting> copy = new EnumMap<>(settings);
        copy.put(key, setting(key, raw, source, baseDirectory));
        return new ConvoyConfig(copy, configFile, warnings);
    }

    static Setting setting(ConfigKey key, String raw, String source, Path baseDirectory) {
        return new Setting(key, raw, raw == null ? null : parse(key, raw, source, baseDirectory), source);
    }

    // ---------------------------------------------------------------- typed getters

    public Setting setting(ConfigKey key) { return settings.get(key); }

    /** Every key in table order. */
    public List<Setting> settings() { return List.copyOf(settings.values()); }

    /** Things worth telling the user that are not errors, e.g. a CONVOY_* variable that is no setting. */
    public List<String> warnings() { return warnings; }

    /** The convoy.yaml that was read, if any. */
    public Optional<Path> configFile() { return configFile; }

    public Optional<String> url() { return optional(ConfigKey.URL, String.class); }

    public Optional<String> user() { return optional(ConfigKey.USER, String.class); }

    /** {@code password}, else the first line of {@code password_file}, else empty. */
    public Optional<String> password() {
        Optional<String> direct = optional(ConfigKey.PASSWORD, String.class);
        if (direct.isPresent()) {
            return direct;
        }
        Optional<Path> file = optional(ConfigKey.PASSWORD_FILE, Path.class);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(file.get(), StandardCharsets.UTF_8);
            return Optional.of(lines.isEmpty() ? "" : lines.get(0).strip());
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot read password_file " + file.get() + " (from "
                    + setting(ConfigKey.PASSWORD_FILE).source() + "): " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    public Path versionsDirectory() { return (Path) settings.get(ConfigKey.VERSIONS).value(); }

    /** The desired-schema (models) directory; it need not exist. */
    public Path schemaDirectory() { return (Path) settings.get(ConfigKey.SCHEMA_DIR).value(); }

    public String versionSchema() { return (String) settings.get(ConfigKey.VERSION_SCHEMA).value(); }

    public Optional<Pattern> ticketPattern() { return optional(ConfigKey.TICKET_PATTERN, Pattern.class); }

    public FileNameTemplate fileNameTemplate() {
        return new FileNameTemplate((String) settings.get(ConfigKey.FILE_TEMPLATE).value(), ticketPattern());
    }

    public Duration lockTimeout() { return (Duration) settings.get(ConfigKey.LOCK_TIMEOUT).value(); }

    @SuppressWarnings("unchecked")
    public Optional<Duration> statementTimeout() { return (Optional<Duration>) settings.get(ConfigKey.STATEMENT_TIMEOUT).value(); }

    public int retryMaxAttempts() { return (Integer) settings.get(ConfigKey.RETRY_MAX_ATTEMPTS).value(); }

    public Duration retryInitialBackoff() { return (Duration) settings.get(ConfigKey.RETRY_INITIAL_BACKOFF).value(); }

    public Duration retryMaxBackoff() { return (Duration) settings.get(ConfigKey.RETRY_MAX_BACKOFF).value(); }

    public Duration migrationLockWait() { return (Duration) settings.get(ConfigKey.MIGRATION_LOCK_WAIT).value(); }

    public String applicationName() { return (String) settings.get(ConfigKey.APPLICATION_NAME).value(); }

    /** The apply settings of this configuration, on top of {@link ApplyOptions#defaults()} (who and where). */
    public ApplyOptions toApplyOptions() {
        return ApplyOptions.defaults()
                .withVersionSchema(versionSchema())
                .withLockTimeout(lockTimeout())
                .withStatementTimeout(statementTimeout())
                .withRetry(retryMaxAttempts(), retryInitialBackoff(), retryMaxBackoff())
                .withMigrationLockWait(migrationLockWait())
                .withApplicationName(applicationName());
    }

    /** Connections to {@code url} with {@code user}/{@code password}; MIG020 when no url is configured. */
    public ConnectionSource connectionSource() {
        String url = url().orElseThrow(() -> new ConvoyException(ErrorCode.MIG020,
                "no database URL: set url in convoy.yaml, " + ConfigKey.URL.envVar() + " or --url"));
        Properties props = new Properties();
        user().ifPresent(u -> props.setProperty("user", u));
        password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", applicationName());
        return ConnectionSource.of(url, props);
    }

    /** A setting's value as it may be shown: passwords as ****, URLs masked, paths resolved. */
    public static String display(Setting s) {
        if (!s.isSet()) {
            return "(not set)";
        }
        return switch (s.key().type()) {
            case SECRET -> Secrets.MASK;
            case URL -> Secrets.mask(s.raw());
            case PATH -> s.value().toString();
            default -> s.raw();
        };
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ConvoyConfig{");
        for (Setting s : settings.values()) {
            b.append(s.key().key()).append('=').append(display(s)).append(", ");
        }
        return b.append('}').toString();
    }

    // ---------------------------------------------------------------- parsing

    private <T> Optional<T> optional(ConfigKey key, Class<T> type) {
        Object v = settings.get(key).value();
        return v == null ? Optional.empty() : Optional.of(type.cast(v));
    }

    static Object parse(ConfigKey key, String raw, String source, Path baseDirectory) {
        Objects.requireNonNull(raw, "raw");
        String v = raw.strip();
        switch (key.type()) {
            case STRING, SECRET -> {
                if (v.isEmpty() && key.type() == ConfigKey.Type.STRING) {
                    throw bad(key, raw, source, null);
                }
                return key.type() == ConfigKey.Type.SECRET ? raw : v;
            }
            case URL -> {
                if (!v.startsWith("jdbc:postgresql:")) {
                    throw bad(key, raw, source, null);
                }
                return v;
            }
            case PATH -> {
                if (v.isEmpty()) {
                    throw bad(key, raw, source, null);
                }
                try {
                    return baseDirectory.resolve(v).normalize();
                } catch (java.nio.file.InvalidPathException e) {
                    throw bad(key, raw, source, e.getMessage());
                }
            }
            case IDENTIFIER -> {
                if (!v.matches("[a-z_][a-z0-9_]{0,62}")) {
                    throw bad(key, raw, source, null);
                }
                return v;
            }
            case TEMPLATE -> {
                return template(key, raw, source);
            }
            case REGEX -> {
                try {
                    return Pattern.compile(v);
                } catch (PatternSyntaxException e) {
                    throw bad(key, raw, source, e.getDescription());
                }
            }
            case DURATION -> {
                return Durations.parse(v).orElseThrow(() -> bad(key, raw, source, null));
            }
            case OPTIONAL_DURATION -> {
                if (v.equalsIgnoreCase("off") || v.equals("0")) {
                    return Optional.<Duration>empty();
                }
                return Optional.of(Durations.parse(v).orElseThrow(() -> bad(key, raw, source, null)));
            }
            case POSITIVE_INT -> {
                try {
                    int n = Integer.parseInt(v);
                    if (n < 1) {
                        throw bad(key, raw, source, null);
                    }
                    return n;
                } catch (NumberFormatException e) {
                    throw bad(key, raw, source, null);
                }
            }
            default -> throw new IllegalStateException(key.type().name());
        }
    }

    private static String template(ConfigKey key, String raw, String source) {
        String v = raw.strip();
        if (!v.contains("%(rev)s")) {
            throw bad(key, raw, source, "the template must contain %(rev)s, so that every revision gets its own file");
        }
        try {
            new FileNameTemplate(v, Optional.empty()); // the script directory's own validation
        } catch (ConvoyException e) {
            throw bad(key, raw, source, e.getMessage());
        }
        return v;
    }

    private static ConvoyException bad(ConfigKey key, String raw, String source, String detail) {
        String shown = switch (key.type()) {
            case SECRET -> Secrets.MASK;
            case URL -> Secrets.mask(raw);
            default -> raw;
        };
        return new ConvoyException(ErrorCode.MIG020, "invalid value '" + shown + "' for " + key.key() + " (from " + source
                + "): expected " + key.type().expected() + (detail == null ? "" : " (" + detail + ")"));
    }

    /** Keys by name, for messages. */
    static List<String> keyNames() {
        List<String> names = new ArrayList<>();
        for (ConfigKey k : ConfigKey.values()) {
            names.add(k.key());
        }
        return names;
    }
}
