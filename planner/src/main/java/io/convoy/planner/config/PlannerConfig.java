package io.convoy.planner.config;

import io.convoy.core.config.DeclaredKey;
import io.convoy.core.config.KeyLoader;
import io.convoy.core.config.KeySpec;
import io.convoy.core.config.KeySetting;
import io.convoy.core.config.KeyedConfig;
import io.convoy.core.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The planner's configuration: every key declared once in {@link Key} with its type, default and one line of
 * documentation. Layers: defaults &lt; a {@code .yaml}/{@code .yml} or {@code .properties} file &lt;
 * {@code CONVOY_PLANNER_*} environment variables ({@link KeyLoader}). Relative paths in the file are relative to the
 * file's directory; relative paths from defaults or the environment are relative to the working directory.
 * Immutable; every value is parsed when the configuration is built, so a bad value fails at once with MIG020
 * naming the key, the value and where it came from.
 */
public final class PlannerConfig {
    /** Where a default value comes from, in {@link KeySetting#source()}. */
    public static final String DEFAULT_SOURCE = KeyedConfig.DEFAULT_SOURCE;

    /** Every key, declared once. */
    public enum Key implements DeclaredKey {
        BOOTSTRAP_SERVERS("bootstrap_servers", ValueType.STRING, "127.0.0.1:9092", "Kafka bootstrap servers, host:port[,host:port...]"),
        SCHEMA_REGISTRY_URL("schema_registry_url", ValueType.HTTP_URL, "http://127.0.0.1:8081/apis/ccompat/v7", "Confluent-API schema registry base URL (user:password@ allowed, never printed)"),
        AUTO_REGISTER_SCHEMAS("auto_register_schemas", ValueType.BOOLEAN, "true", "register the message schemas at start-up and on first send (false: they must be registered already)"),
        VERSIONS("versions", ValueType.PATH, "versions", "directory of revision files the planner plans from (read once at start-up)"),
        FLEET_FILE("fleet_file", ValueType.PATH, "fleet.yaml", "fleet file: clusters and targets with their labels (read once at start-up; no credentials)"),
        APPLICATION_ID("application_id", ValueType.STRING, "convoy-planner", "Kafka Streams application id: consumer group and prefix of the planner's internal topics"),
        STATE_DIR("state_dir", ValueType.PATH, "planner-state", "directory of the Kafka Streams state stores"),
        STREAM_THREADS("stream_threads", ValueType.POSITIVE_INT, "1", "number of Kafka Streams processing threads"),
        COMMIT_INTERVAL("commit_interval", ValueType.DURATION, "100ms", "how often processing is committed (exactly-once: outputs become visible at each commit)"),
        REPLICATION_FACTOR("replication_factor", ValueType.REPLICATION, "-1", "replication factor of the planner's internal topics (changelogs, repartition topics); -1 = the broker's default"),
        STATE_WAIT("state_wait", ValueType.DURATION, "2min", "how long a target that never reported its state is waited for before it is rejected (MIG021)"),
        STATE_CHECK_INTERVAL("state_check_interval", ValueType.DURATION, "1s", "how often targets waiting for their state are checked against state_wait"),
        LOCK_TIMEOUT("lock_timeout", ValueType.DURATION, "2s", "lock_timeout of commands whose revision sets none"),
        STATEMENT_TIMEOUT("statement_timeout", ValueType.OPTIONAL_DURATION, "off", "statement_timeout of commands whose revision sets none; off = no limit"),
        REQUEST_RETENTION("request_retention", ValueType.DURATION, "30d", "how long a finished request is remembered, so that its id is still recognised as a duplicate"),
        METRICS_PORT("metrics_port", ValueType.PORT, "9465", "port of /metrics (Prometheus) and /health on 127.0.0.1; 0 = any free port, -1 = off"),
        LINT("lint", ValueType.BOOLEAN, "false", "lint the revisions a plan upgrades on a shadow PostgreSQL (once per revision checksum) and reject targets with error-level findings (MIG007) the request does not approve"),
        LINT_ROWS("lint_rows", ValueType.POSITIVE_INT, "1000", "rows generated per table in the shadow database the planner lints on"),
        VERIFY_ROLLBACK_ENVS("verify_rollback_envs", ValueType.LIST, "", "comma-separated env label values (fleet file) whose plans are rejected (MIG008, rule VR001) unless every revision's downgrade restores its schema on a shadow PostgreSQL; empty = none");

        private final KeySpec spec;

        Key(String key, ValueType type, String defaultValue, String doc) {
            spec = new KeySpec(key, type, defaultValue, doc);
        }

        @Override public KeySpec spec() { return spec; }

        /** {@code CONVOY_PLANNER_STATE_WAIT}. */
        @Override public String envPrefix() { return "CONVOY_PLANNER_"; }
    }

    private static final KeyLoader<Key> LOADER = new KeyLoader<>(Key.class, "planner");

    private final KeyedConfig<Key> settings;

    private PlannerConfig(KeyedConfig<Key> settings) {
        this.settings = settings;
    }

    /** Defaults only, relative paths resolved against {@code workingDirectory}. */
    public static PlannerConfig defaults(Path workingDirectory) {
        return load(workingDirectory, Optional.empty(), Map.of());
    }

    /**
     * Defaults &lt; {@code file} (must exist when given) &lt; the {@code CONVOY_PLANNER_*} entries of {@code env}.
     */
    public static PlannerConfig load(Path workingDirectory, Optional<Path> file, Map<String, String> env) {
        return new PlannerConfig(LOADER.load(workingDirectory, file, env, Map.of(), k -> "override"));
    }

    /** A copy with one key set (e.g. by a test or an embedding program); relative paths against {@code base}. */
    public PlannerConfig with(Key key, String raw, Path base) {
        return new PlannerConfig(settings.with(key, raw, "override", base));
    }

    /** A copy with one key set; relative paths against the working directory. */
    public PlannerConfig with(Key key, String raw) {
        return with(key, raw, Path.of(""));
    }

    // ------------------------------------------------------------------ typed getters

    public KeySetting<Key> setting(Key key) { return settings.setting(key); }

    /** Every key in declaration order. */
    public List<KeySetting<Key>> settings() { return settings.settings(); }

    public String bootstrapServers() { return settings.string(Key.BOOTSTRAP_SERVERS); }

    public String schemaRegistryUrl() { return settings.string(Key.SCHEMA_REGISTRY_URL); }

    public boolean autoRegisterSchemas() { return settings.bool(Key.AUTO_REGISTER_SCHEMAS); }

    public Path versionsDirectory() { return settings.path(Key.VERSIONS); }

    public Path fleetFile() { return settings.path(Key.FLEET_FILE); }

    public String applicationId() { return settings.string(Key.APPLICATION_ID); }

    public Path stateDir() { return settings.path(Key.STATE_DIR); }

    public int streamThreads() { return settings.integer(Key.STREAM_THREADS); }

    public Duration commitInterval() { return settings.duration(Key.COMMIT_INTERVAL); }

    /** -1 means the broker's default. */
    public int replicationFactor() { return settings.integer(Key.REPLICATION_FACTOR); }

    public Duration stateWait() { return settings.duration(Key.STATE_WAIT); }

    public Duration stateCheckInterval() { return settings.duration(Key.STATE_CHECK_INTERVAL); }

    public Duration lockTimeout() { return settings.duration(Key.LOCK_TIMEOUT); }

    public Optional<Duration> statementTimeout() { return settings.optionalDuration(Key.STATEMENT_TIMEOUT); }

    public Duration requestRetention() { return settings.duration(Key.REQUEST_RETENTION); }

    /** The port of /metrics and /health (0: any free port); empty when off (-1). */
    public Optional<Integer> metricsPort() { return settings.port(Key.METRICS_PORT); }

    public boolean lint() { return settings.bool(Key.LINT); }

    public int lintRows() { return settings.integer(Key.LINT_ROWS); }

    public List<String> verifyRollbackEnvs() { return settings.list(Key.VERIFY_ROLLBACK_ENVS); }

    /** One line per key: {@code key  value  (source)}, URLs masked, for the start-up log. */
    public String describe() { return settings.describe(); }

    @Override
    public String toString() { return "PlannerConfig" + settings; }
}
