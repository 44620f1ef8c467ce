package io.convoy.executor;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.config.DeclaredKey;
import io.convoy.core.config.KeyLoader;
import io.convoy.core.config.KeySpec;
import io.convoy.core.config.KeySetting;
import io.convoy.core.config.KeyTables;
import io.convoy.core.config.KeyedConfig;
import io.convoy.core.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The executor's configuration: every key declared once in {@link Key} (name, type, default, one line of doc),
 * read from defaults &lt; an optional YAML file (nested keys allowed: {@code retry: {max_attempts: 3}}) &lt;
 * {@code CONVOY_EXECUTOR_*} environment variables ({@link KeyLoader}). Immutable; every value is parsed when the
 * configuration is built, so a bad one fails at start-up with MIG020 naming the key, the value (masked) and where
 * it came from. Database credentials are not configuration: they live in the targets file.
 */
public final class ExecutorConfig {

    /** Every key. A null default means the key is required. */
    public enum Key implements DeclaredKey {
        BOOTSTRAP_SERVERS("bootstrap_servers", ValueType.STRING, null, "Kafka bootstrap servers, host:port[,host:port]"),
        SCHEMA_REGISTRY_URL("schema_registry_url", ValueType.HTTP_URL, null,
                "Confluent-API schema registry, e.g. http://127.0.0.1:8081/apis/ccompat/v7 (credentials in it are masked)"),
        GROUP_ID("group_id", ValueType.STRING, "convoy-executor",
                "consumer group of the executors sharing convoy.commands; each must list every target in its targets file"),
        EXECUTOR_ID("executor_id", ValueType.OPTIONAL_STRING, "",
                "id of this instance in step events, convoy.history (applied_by) and Kafka client ids; empty = <host>-<pid>"),
        TARGETS_FILE("targets_file", ValueType.PATH, "targets.yaml",
                "YAML file of this executor's targets (url, user, password_env or password_file); relative to the config file"),
        VERSION_SCHEMA("version_schema", ValueType.IDENTIFIER, "convoy", "schema of convoy.version / convoy.history in every target"),
        POLL_TIMEOUT("poll_timeout", ValueType.PG_DURATION, "500ms", "longest wait of one poll of convoy.commands"),
        MAX_POLL_RECORDS("max_poll_records", ValueType.POSITIVE_INT, "10",
                "commands fetched per poll (queued per target; a rebalance waits for the running ones of the revoked partitions)"),
        WORKER_THREADS("worker_threads", ValueType.POSITIVE_INT, "8",
                "commands applied at once, each on a different target (one target's commands always run one after the other)"),
        CONNECTION_IDLE_TIMEOUT("connection_idle_timeout", ValueType.PG_DURATION, "30s",
                "how long a target's PostgreSQL sessions stay open between steps to be reused (reset with DISCARD ALL); 0 = a new session per use"),
        RETRY_MAX_ATTEMPTS("retry.max_attempts", ValueType.POSITIVE_INT, "5", "attempts per step on lock timeout or deadlock"),
        RETRY_INITIAL_BACKOFF("retry.initial_backoff", ValueType.PG_DURATION, "1s", "delay before the first retry, doubled with jitter"),
        RETRY_MAX_BACKOFF("retry.max_backoff", ValueType.PG_DURATION, "10s", "upper bound of the retry delay"),
        MIGRATION_LOCK_WAIT("migration_lock_wait", ValueType.PG_DURATION, "60s",
                "how long a step waits for a target's migration lock held by another run before MIG012"),
        ACK_TIMEOUT("ack_timeout", ValueType.PG_DURATION, "30s",
                "how long to wait for the brokers to acknowledge a command's events; past it the executor stops uncommitted"),
        REGISTRY_RETRY_BACKOFF("registry_retry_backoff", ValueType.PG_DURATION, "5s",
                "pause of a partition whose next command cannot be decoded because the schema registry does not answer"),
        SHUTDOWN_TIMEOUT("shutdown_timeout", ValueType.PG_DURATION, "10s",
                "how long close() waits for the running step to stop at its next statement"),
        CREATE_TOPICS("create_topics", ValueType.BOOLEAN, "true", "create missing topics and register the schemas at start-up"),
        METRICS_PORT("metrics_port", ValueType.PORT, "-1",
                "port of /metrics (Prometheus) and /health on 127.0.0.1; 0 = any free port (logged), -1 = off");

        private final KeySpec spec;

        Key(String key, ValueType type, String defaultValue, String doc) {
            spec = new KeySpec(key, type, defaultValue, doc);
        }

        @Override public KeySpec spec() { return spec; }

        /** {@code CONVOY_EXECUTOR_RETRY_MAX_ATTEMPTS}. */
        @Override public String envPrefix() { return "CONVOY_EXECUTOR_"; }
    }

    private static final KeyLoader<Key> LOADER = new KeyLoader<>(Key.class, "executor");

    private final KeyedConfig<Key> settings;

    private ExecutorConfig(KeyedConfig<Key> settings) {
        this.settings = settings;
    }

    /** Defaults, then {@code values} (e.g. from code or tests), source {@code source}; relative paths against {@code baseDirectory}. */
    public static ExecutorConfig of(Map<Key, String> values, String source, Path baseDirectory) {
        return new ExecutorConfig(LOADER.load(baseDirectory, Optional.empty(), Map.of(), values, k -> source));
    }

    /**
     * Defaults &lt; {@code file} (if given) &lt; {@code CONVOY_EXECUTOR_*} in {@code env}. Relative paths are resolved
     * against the file's directory for values from the file, {@code workingDirectory} for the others.
     */
    public static ExecutorConfig load(Optional<Path> file, Map<String, String> env, Path workingDirectory) {
        return new ExecutorConfig(LOADER.load(workingDirectory, file, env, Map.of(), k -> "override"));
    }

    public KeySetting<Key> setting(Key key) {
        return settings.setting(key);
    }

    /**
     * Every setting in key order, one per line after a line break (the start-up log appends it to its first line),
     * values masked where they may hold credentials.
     */
    public String describe() {
        return System.lineSeparator() + settings.describe();
    }

    /** The table of keys: name, environment variable, default, doc. */
    public static String keysTable() {
        return KeyTables.keys(Key.class);
    }

    private Object value(Key k) {
        return settings.value(k);
    }

    public String bootstrapServers() { return (String) value(Key.BOOTSTRAP_SERVERS); }

    public String schemaRegistryUrl() { return (String) value(Key.SCHEMA_REGISTRY_URL); }

    public String groupId() { return (String) value(Key.GROUP_ID); }

    /** The configured id, or {@code <host>-<pid>}. */
    public String executorId() {
        String id = (String) value(Key.EXECUTOR_ID);
        return id.isEmpty() ? ApplyOptions.defaults().host() + "-" + ProcessHandle.current().pid() : id;
    }

    public Path targetsFile() { return (Path) value(Key.TARGETS_FILE); }

    public String versionSchema() { return (String) value(Key.VERSION_SCHEMA); }

    public Duration pollTimeout() { return (Duration) value(Key.POLL_TIMEOUT); }

    public int maxPollRecords() { return (Integer) value(Key.MAX_POLL_RECORDS); }

    public int retryMaxAttempts() { return (Integer) value(Key.RETRY_MAX_ATTEMPTS); }

    public Duration retryInitialBackoff() { return (Duration) value(Key.RETRY_INITIAL_BACKOFF); }

    public Duration retryMaxBackoff() { return (Duration) value(Key.RETRY_MAX_BACKOFF); }

    public Duration migrationLockWait() { return (Duration) value(Key.MIGRATION_LOCK_WAIT); }

    public Duration ackTimeout() { return (Duration) value(Key.ACK_TIMEOUT); }

    public Duration registryRetryBackoff() { return (Duration) value(Key.REGISTRY_RETRY_BACKOFF); }

    public Duration shutdownTimeout() { return (Duration) value(Key.SHUTDOWN_TIMEOUT); }

    public boolean createTopics() { return (Boolean) value(Key.CREATE_TOPICS); }

    public int workerThreads() { return (Integer) value(Key.WORKER_THREADS); }

    /** The port of /metrics and /health; empty when off. */
    public Optional<Integer> metricsPort() { return settings.port(Key.METRICS_PORT); }

    public Duration connectionIdleTimeout() { return (Duration) value(Key.CONNECTION_IDLE_TIMEOUT); }

    /**
     * The executor's apply options: version schema, retries and lock wait from here, applied_by
     * {@code convoy-executor/<executor id>}; each command adds its ids, timeouts and application_name.
     */
    public ApplyOptions applyOptions() {
        return ApplyOptions.defaults()
                .withVersionSchema(versionSchema())
                .withRetry(retryMaxAttempts(), retryInitialBackoff(), retryMaxBackoff())
                .withMigrationLockWait(migrationLockWait())
                .withAppliedBy("convoy-executor/" + executorId());
    }
}
