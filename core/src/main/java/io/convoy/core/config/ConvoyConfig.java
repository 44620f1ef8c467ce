package io.convoy.core.config;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.script.FileNameTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The effective configuration: one {@link Setting} per {@link ConfigKey}, each with the layer it
 * came from (default &lt; convoy.yaml &lt; CONVOY_* environment &lt; command line). Immutable;
 * values are parsed and checked when the configuration is built, so a bad value fails early with
 * MIG020 naming the key, the value and where it came from.
 */
public final class ConvoyConfig {
    /** Where the default layer comes from, for {@code convoy config}. */
    public static final String DEFAULT_SOURCE = KeyedConfig.DEFAULT_SOURCE;

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

    private final KeyedConfig<ConfigKey> settings;

    ConvoyConfig(KeyedConfig<ConfigKey> settings) {
        this.settings = settings;
    }

    /** Defaults only: what you get with no convoy.yaml, no environment and no flags. */
    public static ConvoyConfig defaults(Path workingDirectory) {
        return ConfigLoader.load(workingDirectory, Optional.empty(), Map.of(), Map.of(), false);
    }

    /** A copy with one key set from another layer (e.g. {@code convoy local} pointing url at its own server). */
    public ConvoyConfig with(ConfigKey key, String raw, String source, Path baseDirectory) {
        return new ConvoyConfig(settings.with(key, raw, source, baseDirectory));
    }

    // ---------------------------------------------------------------- typed getters

    public Setting setting(ConfigKey key) { return of(settings.setting(key)); }

    /** Every key in table order. */
    public List<Setting> settings() { return settings.settings().stream().map(ConvoyConfig::of).toList(); }

    private static Setting of(KeySetting<ConfigKey> s) {
        return new Setting(s.key(), s.raw(), s.value(), s.source());
    }

    /** Things worth telling the user that are not errors, e.g. a CONVOY_* variable that is no setting. */
    public List<String> warnings() { return settings.warnings(); }

    /** The convoy.yaml that was read, if any. */
    public Optional<Path> configFile() { return settings.file(); }

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

    public Path versionsDirectory() { return settings.path(ConfigKey.VERSIONS); }

    /** The desired-schema (models) directory; it need not exist. */
    public Path schemaDirectory() { return settings.path(ConfigKey.SCHEMA_DIR); }

    public String versionSchema() { return settings.string(ConfigKey.VERSION_SCHEMA); }

    public Optional<Pattern> ticketPattern() { return optional(ConfigKey.TICKET_PATTERN, Pattern.class); }

    public FileNameTemplate fileNameTemplate() {
        return new FileNameTemplate(settings.string(ConfigKey.FILE_TEMPLATE), ticketPattern());
    }

    public Duration lockTimeout() { return settings.duration(ConfigKey.LOCK_TIMEOUT); }

    public Optional<Duration> statementTimeout() { return settings.optionalDuration(ConfigKey.STATEMENT_TIMEOUT); }

    public int retryMaxAttempts() { return settings.integer(ConfigKey.RETRY_MAX_ATTEMPTS); }

    public Duration retryInitialBackoff() { return settings.duration(ConfigKey.RETRY_INITIAL_BACKOFF); }

    public Duration retryMaxBackoff() { return settings.duration(ConfigKey.RETRY_MAX_BACKOFF); }

    public Duration migrationLockWait() { return settings.duration(ConfigKey.MIGRATION_LOCK_WAIT); }

    public String applicationName() { return settings.string(ConfigKey.APPLICATION_NAME); }

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
        return new KeySetting<>(s.key(), s.raw(), s.value(), s.source()).shown();
    }

    @Override
    public String toString() {
        return "ConvoyConfig" + settings;
    }

    private <T> Optional<T> optional(ConfigKey key, Class<T> type) {
        return settings.optional(key, type);
    }
}
