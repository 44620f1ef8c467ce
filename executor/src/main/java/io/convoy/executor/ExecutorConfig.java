package io.convoy.executor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.script.PgDurations;
import io.convoy.core.util.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The executor's configuration: every key declared once in {@link Key} (name, type, default, one line of doc),
 * read from defaults &lt; an optional YAML file (nested keys allowed: {@code retry: {max_attempts: 3}}) &lt;
 * {@code CONVOY_EXECUTOR_*} environment variables. Immutable; every value is parsed when the configuration is
 * built, so a bad one fails at start-up with MIG020 naming the key, the value (masked) and where it came from.
 * Database credentials are not configuration: they live in the targets file.
 */
public final class ExecutorConfig {

    /** How a key's value is read. */
    public enum Type {
        STRING("a non-empty string"),
        URL("an http(s) URL"),
        PATH("a file path"),
        IDENTIFIER("a lower-case SQL identifier such as convoy"),
        DURATION("a duration such as 500ms, 2s, 1min"),
        POSITIVE_INT("a whole number of at least 1"),
        BOOLEAN("true or false"),
        PORT("a port from 0 to 65535, or -1 for off");

        private final String expected;

        Type(String expected) {
            this.expected = expected;
        }

        public String expected() {
            return expected;
        }
    }

    /** Every key. A null default means the key is required. */
    public enum Key {
        BOOTSTRAP_SERVERS("bootstrap_servers", Type.STRING, null, "Kafka bootstrap servers, host:port[,host:port]"),
        SCHEMA_REGISTRY_URL("schema_registry_url", Type.URL, null,
                "Confluent-API schema registry, e.g. http://127.0.0.1:8081/apis/ccompat/v7 (credentials in it are masked)"),
        GROUP_ID("group_id", Type.STRING, "convoy-executor",
                "consumer group of the executors sharing convoy.commands; each must list every target in its targets file"),
        EXECUTOR_ID("executor_id", Type.STRING, "",
                "id of this instance in step events, convoy.history (applied_by) and Kafka client ids; empty = <host>-<pid>"),
        TARGETS_FILE("targets_file", Type.PATH, "targets.yaml",
                "YAML file of this executor's targets (url, user, password_env or password_file); relative to the config file"),
        VERSION_SCHEMA("version_schema", Type.IDENTIFIER, "convoy", "schema of convoy.version / convoy.history in every target"),
        POLL_TIMEOUT("poll_timeout", Type.DURATION, "500ms", "longest wait of one poll of convoy.commands"),
        MAX_POLL_RECORDS("max_poll_records", Type.POSITIVE_INT, "10",
                "commands fetched per poll (queued per target; a rebalance waits for the running ones of the revoked partitions)"),
        WORKER_THREADS("worker_threads", Type.POSITIVE_INT, "8",
                "commands applied at once, each on a different target (one target's commands always run one after the other)"),
        CONNECTION_IDLE_TIMEOUT("connection_idle_timeout", Type.DURATION, "30s",
                "how long a target's PostgreSQL sessions stay open between steps to be reused (reset with DISCARD ALL); 0 = a new session per use"),
        RETRY_MAX_ATTEMPTS("retry.max_attempts", Type.POSITIVE_INT, "5", "attempts per step on lock timeout or deadlock"),
        RETRY_INITIAL_BACKOFF("retry.initial_backoff", Type.DURATION, "1s", "delay before the first retry, doubled with jitter"),
        RETRY_MAX_BACKOFF("retry.max_backoff", Type.DURATION, "10s", "upper bound of the retry delay"),
        MIGRATION_LOCK_WAIT("migration_lock_wait", Type.DURATION, "60s",
                "how long a step waits for a target's migration lock held by another run before MIG012"),
        ACK_TIMEOUT("ack_timeout", Type.DURATION, "30s",
                "how long to wait for the brokers to acknowledge a command's events; past it the executor stops uncommitted"),
        REGISTRY_RETRY_BACKOFF("registry_retry_backoff", Type.DURATION, "5s",
                "pause of a partition whose next command cannot be decoded because the schema registry does not answer"),
        SHUTDOWN_TIMEOUT("shutdown_timeout", Type.DURATION, "10s",
                "how long close() waits for the running step to stop at its next statement"),
        CREATE_TOPICS("create_topics", Type.BOOLEAN, "true", "create missing topics and register the schemas at start-up"),
        METRICS_PORT("metrics_port", Type.PORT, "-1",
                "port of /metrics (Prometheus) and /health on 127.0.0.1; 0 = any free port (logged), -1 = off");

        private final String key;
        private final Type type;
        private final String defaultValue;
        private final String doc;

        Key(String key, Type type, String defaultValue, String doc) {
            this.key = key;
            this.type = type;
            this.defaultValue = defaultValue;
            this.doc = doc;
        }

        /** The name in the YAML file ({@code retry.max_attempts} is {@code retry: {max_attempts: ...}}). */
        public String key() {
            return key;
        }

        public Type type() {
            return type;
        }

        public Optional<String> defaultValue() {
            return Optional.ofNullable(defaultValue);
        }

        public String doc() {
            return doc;
        }

        /** {@code CONVOY_EXECUTOR_RETRY_MAX_ATTEMPTS}. */
        public String envVar() {
            return "CONVOY_EXECUTOR_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
        }

        public static Optional<Key> byName(String name) {
            return Arrays.stream(values()).filter(k -> k.key.equals(name)).findFirst();
        }
    }

    /** One key's value and where it came from ({@code default}, {@code executor.yaml}, {@code env CONVOY_EXECUTOR_...}). */
    public record Setting(Key key, String raw, Object value, String source) {}

    private final Map<Key, Setting> settings;

    private ExecutorConfig(Map<Key, Setting> settings) {
        this.settings = settings;
    }

    /** Defaults, then {@code values} (e.g. from code or tests), source {@code source}. */
    public static ExecutorConfig of(Map<Key, String> values, String source, Path baseDirectory) {
        Map<Key, String> raw = new EnumMap<>(Key.class);
        Map<Key, String> sources = new EnumMap<>(Key.class);
        values.forEach((k, v) -> {
            raw.put(k, v);
            sources.put(k, source);
        });
        return build(raw, sources, baseDirectory);
    }

    /**
     * Defaults &lt; {@code file} (if given) &lt; {@code CONVOY_EXECUTOR_*} in {@code env}. Relative paths are resolved
     * against the file's directory, or {@code workingDirectory} without a file.
     */
    public static ExecutorConfig load(Optional<Path> file, Map<String, String> env, Path workingDirectory) {
        Map<Key, String> raw = new EnumMap<>(Key.class);
        Map<Key, String> sources = new EnumMap<>(Key.class);
        Path base = workingDirectory;
        if (file.isPresent()) {
            Path f = file.get();
            Path parent = f.toAbsolutePath().getParent();
            base = parent == null ? workingDirectory : parent;
            readFile(f).forEach((name, value) -> {
                Key k = Key.byName(name).orElseThrow(() -> new ConvoyException(ErrorCode.MIG020, "unknown key '" + name
                        + "' in " + f + " (known keys: " + Arrays.stream(Key.values()).map(Key::key).toList() + ")"));
                raw.put(k, value);
                sources.put(k, f.toString());
            });
        }
        for (Key k : Key.values()) {
            String v = env.get(k.envVar());
            if (v != null) {
                raw.put(k, v);
                sources.put(k, "env " + k.envVar());
            }
        }
        return build(raw, sources, base);
    }

    private static Map<String, String> readFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot read the executor configuration " + file + ": "
                    + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        JsonNode root;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConvoyException(ErrorCode.MIG020, "the executor configuration " + file + " is not valid YAML: "
                    + e.getOriginalMessage() + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            throw new ConvoyException(ErrorCode.MIG020, "the executor configuration " + file + " must be a mapping of keys to values");
        }
        flatten("", root, out, file);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(name + ".", v, out, file);
            } else if (v.isValueNode() && !v.isNull()) {
                out.put(name, v.asText());
            } else {
                throw new ConvoyException(ErrorCode.MIG020, "key '" + name + "' in " + file + " must be a single value");
            }
        }
    }

    private static ExecutorConfig build(Map<Key, String> raw, Map<Key, String> sources, Path base) {
        Map<Key, Setting> out = new EnumMap<>(Key.class);
        List<String> missing = new ArrayList<>();
        for (Key k : Key.values()) {
            String value = raw.containsKey(k) ? raw.get(k) : k.defaultValue;
            String source = raw.containsKey(k) ? sources.get(k) : "default";
            if (value == null) {
                missing.add(k.key() + " (" + k.envVar() + ": " + k.doc() + ")");
                continue;
            }
            out.put(k, new Setting(k, value, parse(k, value.strip(), source, base), source));
        }
        if (!missing.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG020, "the executor configuration lacks " + String.join("; ", missing));
        }
        return new ExecutorConfig(out);
    }

    private static Object parse(Key k, String value, String source, Path base) {
        try {
            return switch (k.type) {
                case STRING -> k == Key.EXECUTOR_ID && value.isEmpty() ? defaultExecutorId() : nonEmpty(value);
                case URL -> {
                    String v = nonEmpty(value);
                    if (!v.startsWith("http://") && !v.startsWith("https://")) {
                        throw new IllegalArgumentException("not an http(s) URL");
                    }
                    yield v;
                }
                case PATH -> base.resolve(nonEmpty(value)).normalize();
                case IDENTIFIER -> {
                    if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
                        throw new IllegalArgumentException("not a lower-case SQL identifier");
                    }
                    yield value;
                }
                case DURATION -> PgDurations.parse(value);
                case POSITIVE_INT -> {
                    int n = Integer.parseInt(value);
                    if (n < 1) {
                        throw new IllegalArgumentException("less than 1");
                    }
                    yield n;
                }
                case PORT -> {
                    int n = Integer.parseInt(value);
                    if (n < -1 || n > 65535) {
                        throw new IllegalArgumentException("not a port from 0 to 65535 nor -1");
                    }
                    yield n;
                }
                case BOOLEAN -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException("neither true nor false");
                    }
                    yield Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
                }
            };
        } catch (IllegalArgumentException e) {
            throw new ConvoyException(ErrorCode.MIG020, "invalid " + k.key() + " '" + Secrets.mask(value) + "' (from " + source
                    + "): expected " + k.type.expected() + " (" + e.getMessage() + ")");
        }
    }

    private static String nonEmpty(String v) {
        if (v.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return v;
    }

    public Setting setting(Key key) {
        return settings.get(key);
    }

    /** Every setting in key order, values masked where they may hold credentials: for a start-up log line. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : settings.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s.key().key()).append('=').append(Secrets.mask(s.raw()));
            if (!s.source().equals("default")) {
                sb.append(" (").append(s.source()).append(')');
            }
        }
        return sb.toString();
    }

    /** The table of keys: name, environment variable, default, doc. */
    public static String keysTable() {
        StringBuilder sb = new StringBuilder();
        for (Key k : Key.values()) {
            sb.append(String.format("  %-24s %-44s %-16s %s%n", k.key(), k.envVar(), k.defaultValue().map(d -> d.isEmpty() ? "\"\"" : d)
                    .orElse("(required)"), k.doc()));
        }
        return sb.toString();
    }

    private Object value(Key k) {
        return Objects.requireNonNull(settings.get(k), k.key()).value();
    }

    public String bootstrapServers() { return (String) value(Key.BOOTSTRAP_SERVERS); }

    public String schemaRegistryUrl() { return (String) value(Key.SCHEMA_REGISTRY_URL); }

    public String groupId() { return (String) value(Key.GROUP_ID); }

    /** The configured id, or {@code <host>-<pid>}. */
    public String executorId() { return (String) value(Key.EXECUTOR_ID); }

    private static String defaultExecutorId() {
        return ApplyOptions.defaults().host() + "-" + ProcessHandle.current().pid();
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
    public Optional<Integer> metricsPort() {
        int port = (Integer) value(Key.METRICS_PORT);
        return port < 0 ? Optional.empty() : Optional.of(port);
    }

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
