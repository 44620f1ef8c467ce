package io.convoy.core.config;

import io.convoy.core.script.FileNameTemplate;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every configuration key, declared once: name, type, default and one line of documentation.
 * The environment variable ({@code CONVOY_LOCK_TIMEOUT}) and the command-line flag
 * ({@code --lock-timeout}) are derived from the name. {@code convoy config --keys} prints this table.
 */
public enum ConfigKey implements DeclaredKey {
    URL("url", ValueType.JDBC_URL, null, "JDBC URL of the target database, e.g. jdbc:postgresql://127.0.0.1:5432/app"),
    USER("user", ValueType.STRING, null, "database user, when the URL does not name one"),
    PASSWORD("password", ValueType.SECRET, null, "database password (not a flag: use CONVOY_PASSWORD or password_file); never printed"),
    PASSWORD_FILE("password_file", ValueType.PATH, null, "file whose first line is the database password; used when password is not set"),
    VERSIONS("versions", ValueType.PATH, "versions", "directory of revision files, relative to the directory of convoy.yaml"),
    SCHEMA_DIR("schema_dir", ValueType.PATH, "schema", "directory of the desired-schema SQL files (the models) compared by revision --autogenerate and check, relative to the directory of convoy.yaml"),
    VERSION_SCHEMA("version_schema", ValueType.IDENTIFIER, "convoy", "schema of the version and history tables (convoy.version, convoy.history)"),
    FILE_TEMPLATE("file_template", ValueType.TEMPLATE, FileNameTemplate.DEFAULT, "file name of new revisions, without .sql; tokens: rev slug ticket year month day hour minute second"),
    TICKET_PATTERN("ticket_pattern", ValueType.REGEX, null, "regular expression that the message of every new revision must contain, e.g. [A-Z]+-[0-9]+"),
    LOCK_TIMEOUT("lock_timeout", ValueType.DURATION, "2s", "lock_timeout of every migration statement (a revision header may override it)"),
    STATEMENT_TIMEOUT("statement_timeout", ValueType.OPTIONAL_DURATION, "off", "statement_timeout of every migration statement; off = no limit (a revision header may override it)"),
    RETRY_MAX_ATTEMPTS("retry.max_attempts", ValueType.POSITIVE_INT, "5", "attempts per revision when a statement hits lock_timeout or a deadlock"),
    RETRY_INITIAL_BACKOFF("retry.initial_backoff", ValueType.DURATION, "1s", "delay before the first retry; doubled for each further retry, with jitter"),
    RETRY_MAX_BACKOFF("retry.max_backoff", ValueType.DURATION, "30s", "upper bound of the retry delay"),
    MIGRATION_LOCK_WAIT("migration_lock_wait", ValueType.DURATION, "60s", "how long a run waits for the migration lock held by another run before MIG012"),
    APPLICATION_NAME("application_name", ValueType.STRING, "convoy", "application_name of the migration sessions (visible in pg_stat_activity)");

    private final KeySpec spec;

    ConfigKey(String key, ValueType type, String defaultValue, String doc) {
        spec = new KeySpec(key, type, defaultValue, doc);
    }

    @Override public KeySpec spec() { return spec; }

    /** No key is required: commands that need one (url) say so when they use it. */
    @Override public boolean required() { return false; }

    /** {@code CONVOY_RETRY_MAX_ATTEMPTS}. */
    @Override public String envPrefix() { return "CONVOY_"; }

    /** {@code --retry-max-attempts}; empty for the password, which must not appear in a process list. */
    public Optional<String> flag() {
        return this == PASSWORD ? Optional.empty() : Optional.of("--" + key().replace('.', '-').replace('_', '-'));
    }

    /** Values of this key are masked whenever they are shown. */
    public boolean secret() { return type().secret(); }

    public static Optional<ConfigKey> byEnvVar(String name) {
        return Arrays.stream(values()).filter(k -> k.envVar().equals(name)).findFirst();
    }

    public static Optional<ConfigKey> byName(String name) {
        return Arrays.stream(values()).filter(k -> k.key().equals(name)).findFirst();
    }
}
