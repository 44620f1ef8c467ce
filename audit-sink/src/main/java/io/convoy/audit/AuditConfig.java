package io.convoy.audit;

import io.convoy.core.config.DeclaredKey;
import io.convoy.core.config.KeyLoader;
import io.convoy.core.config.KeySpec;
import io.convoy.core.config.KeyedConfig;
import io.convoy.core.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The audit sink's configuration: every key declared once in {@link Key} (name, type, default, doc), read from a
 * map (e.g. a properties file) &lt; {@code CONVOY_AUDIT_*} environment variables ({@link KeyLoader}). Values are
 * parsed when the configuration is built: a bad one fails with MIG020 naming the key. Immutable.
 */
public final class AuditConfig {

    public enum Key implements DeclaredKey {
        BOOTSTRAP_SERVERS("bootstrap_servers", ValueType.STRING, null, "Kafka bootstrap servers, host:port[,host:port]"),
        SCHEMA_REGISTRY_URL("schema_registry_url", ValueType.HTTP_URL, null, "Confluent-API schema registry URL (credentials masked)"),
        SEARCH_URL("search_url", ValueType.OPTIONAL_STRING, "", "Elasticsearch/OpenSearch base URL; empty = NDJSON files only"),
        DATA_STREAM("data_stream", ValueType.STRING, "convoy-audit", "name of the audit data stream (and of its index template)"),
        DIRECTORY("directory", ValueType.PATH, "audit", "directory of the ECS NDJSON files (the sink's durable state)"),
        MAX_FILE_BYTES("max_file_bytes", ValueType.POSITIVE_LONG, "67108864", "size at which a new NDJSON file is started (also at each UTC day)"),
        GROUP_ID("group_id", ValueType.STRING, "convoy-audit", "consumer group whose offsets the sink commits (one active sink per chain)"),
        MAX_POLL_RECORDS("max_poll_records", ValueType.POSITIVE_INT, "5000", "most records per batch (one NDJSON write + fsync and one _bulk per batch)"),
        BULK_MAX_BYTES("bulk_max_bytes", ValueType.POSITIVE_LONG, "8388608", "largest _bulk request body in bytes; a larger batch goes in several requests"),
        MAX_IN_FLIGHT_BATCHES("max_in_flight_batches", ValueType.POSITIVE_INT, "2", "batches fsync'd to the files whose _bulk may still run while the next "
                + "batch is read (offsets are committed in order, only once both outputs hold a batch)"),
        POLL_TIMEOUT("poll_timeout", ValueType.DURATION, "200ms", "longest wait of one poll"),
        RETRY_MAX_ATTEMPTS("retry.max_attempts", ValueType.POSITIVE_INT, "8", "attempts of a _bulk on transient failures (429, 5xx, I/O)"),
        RETRY_INITIAL_BACKOFF("retry.initial_backoff", ValueType.DURATION, "200ms", "first retry delay, doubled each time"),
        REQUEST_TIMEOUT("request_timeout", ValueType.DURATION, "30s", "timeout of one HTTP request to the search cluster");

        private final KeySpec spec;

        Key(String key, ValueType type, String defaultValue, String doc) {
            spec = new KeySpec(key, type, defaultValue, doc);
        }

        @Override public KeySpec spec() { return spec; }

        @Override public String envPrefix() { return "CONVOY_AUDIT_"; }
    }

    private static final KeyLoader<Key> LOADER = new KeyLoader<>(Key.class, "audit");

    private final KeyedConfig<Key> values;

    private AuditConfig(KeyedConfig<Key> values) {
        this.values = values;
    }

    /** From explicit values (keys as in {@link Key#key()}) over environment variables over defaults. */
    public static AuditConfig from(Map<String, String> explicit, Map<String, String> env) {
        Map<Key, String> overrides = new EnumMap<>(Key.class);
        explicit.forEach((name, value) -> overrides.put(LOADER.key(name, "the audit settings"), value));
        return new AuditConfig(LOADER.load(Path.of(""), Optional.empty(), env, overrides, k -> "audit settings"));
    }

    /** The value as written, trimmed. */
    public String get(Key key) {
        return values.setting(key).raw().strip();
    }

    public String bootstrapServers() { return values.string(Key.BOOTSTRAP_SERVERS); }
    public String schemaRegistryUrl() { return values.string(Key.SCHEMA_REGISTRY_URL); }
    public String searchUrl() { return values.string(Key.SEARCH_URL); }
    public String dataStream() { return values.string(Key.DATA_STREAM); }
    public String groupId() { return values.string(Key.GROUP_ID); }
    public Path directory() { return values.path(Key.DIRECTORY); }
    public long maxFileBytes() { return values.longValue(Key.MAX_FILE_BYTES); }
    public int maxPollRecords() { return values.integer(Key.MAX_POLL_RECORDS); }
    public Duration pollTimeout() { return values.duration(Key.POLL_TIMEOUT); }
    public long bulkMaxBytes() { return values.longValue(Key.BULK_MAX_BYTES); }
    public int maxInFlightBatches() { return values.integer(Key.MAX_IN_FLIGHT_BATCHES); }
    public int retryMaxAttempts() { return values.integer(Key.RETRY_MAX_ATTEMPTS); }
    public Duration retryInitialBackoff() { return values.duration(Key.RETRY_INITIAL_BACKOFF); }
    public Duration requestTimeout() { return values.duration(Key.REQUEST_TIMEOUT); }
}
