package io.convoy.audit;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.util.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The audit sink's configuration: every key declared once in {@link Key} (name, default, doc), read from a map
 * (e.g. a properties file) &lt; {@code CONVOY_AUDIT_*} environment variables. Values are parsed when the
 * configuration is built: a bad one fails with MIG020 naming the key. Immutable.
 */
public final class AuditConfig {

    public enum Key {
        BOOTSTRAP_SERVERS("bootstrap_servers", null, "Kafka bootstrap servers, host:port[,host:port]"),
        SCHEMA_REGISTRY_URL("schema_registry_url", null, "Confluent-API schema registry URL (credentials masked)"),
        SEARCH_URL("search_url", "", "Elasticsearch/OpenSearch base URL; empty = NDJSON files only"),
        DATA_STREAM("data_stream", "convoy-audit", "name of the audit data stream (and of its index template)"),
        DIRECTORY("directory", "audit", "directory of the ECS NDJSON files (the sink's durable state)"),
        MAX_FILE_BYTES("max_file_bytes", "67108864", "size at which a new NDJSON file is started (also at each UTC day)"),
        GROUP_ID("group_id", "convoy-audit", "consumer group whose offsets the sink commits (one active sink per chain)"),
        MAX_POLL_RECORDS("max_poll_records", "5000", "most records per batch (one NDJSON write + fsync and one _bulk per batch)"),
        BULK_MAX_BYTES("bulk_max_bytes", "8388608", "largest _bulk request body in bytes; a larger batch goes in several requests"),
        MAX_IN_FLIGHT_BATCHES("max_in_flight_batches", "2", "batches fsync'd to the files whose _bulk may still run while the next "
                + "batch is read (offsets are committed in order, only once both outputs hold a batch)"),
        POLL_TIMEOUT("poll_timeout", "200ms", "longest wait of one poll"),
        RETRY_MAX_ATTEMPTS("retry.max_attempts", "8", "attempts of a _bulk on transient failures (429, 5xx, I/O)"),
        RETRY_INITIAL_BACKOFF("retry.initial_backoff", "200ms", "first retry delay, doubled each time"),
        REQUEST_TIMEOUT("request_timeout", "30s", "timeout of one HTTP request to the search cluster");

        private final String key;
        private final String defaultValue;
        private final String doc;

        Key(String key, String defaultValue, String doc) {
            this.key = key;
            this.defaultValue = defaultValue;
            this.doc = doc;
        }

        public String key() {
            return key;
        }

        public String doc() {
            return doc;
        }

        /** The default; null when the key is required. */
        public String defaultValue() {
            return defaultValue;
        }

        public String envVar() {
            return "CONVOY_AUDIT_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
        }
    }

    private final Map<Key, String> values;

    private AuditConfig(Map<Key, String> values) {
        this.values = values;
        // parse everything now so that a bad value fails at start-up
        directory();
        maxFileBytes();
        maxPollRecords();
        bulkMaxBytes();
        maxInFlightBatches();
        pollTimeout();
        retryMaxAttempts();
        retryInitialBackoff();
        requestTimeout();
    }

    /** From explicit values (keys as in {@link Key#key()}) over environment variables over defaults. */
    public static AuditConfig from(Map<String, String> explicit, Map<String, String> env) {
        Map<Key, String> v = new EnumMap<>(Key.class);
        for (Key k : Key.values()) {
            String value = explicit.containsKey(k.key) ? explicit.get(k.key) : env.getOrDefault(k.envVar(), k.defaultValue);
            if (value == null) {
                throw new ConvoyException(ErrorCode.MIG020, "audit setting " + k.key + " (" + k.envVar() + ") is required: " + k.doc);
            }
            v.put(k, value.trim());
        }
        for (String name : explicit.keySet()) {
            if (java.util.Arrays.stream(Key.values()).noneMatch(k -> k.key.equals(name))) {
                throw new ConvoyException(ErrorCode.MIG020, "unknown audit setting '" + name + "'");
            }
        }
        return new AuditConfig(v);
    }

    public String get(Key key) {
        return values.get(key);
    }

    public String bootstrapServers() { return get(Key.BOOTSTRAP_SERVERS); }
    public String schemaRegistryUrl() { return get(Key.SCHEMA_REGISTRY_URL); }
    public String searchUrl() { return get(Key.SEARCH_URL); }
    public String dataStream() { return get(Key.DATA_STREAM); }
    public String groupId() { return get(Key.GROUP_ID); }
    public Path directory() { return Path.of(get(Key.DIRECTORY)); }
    public long maxFileBytes() { return positive(Key.MAX_FILE_BYTES); }
    public int maxPollRecords() { return (int) positive(Key.MAX_POLL_RECORDS); }
    public Duration pollTimeout() { return duration(Key.POLL_TIMEOUT); }
    public long bulkMaxBytes() { return positive(Key.BULK_MAX_BYTES); }
    public int maxInFlightBatches() { return (int) positive(Key.MAX_IN_FLIGHT_BATCHES); }
    public int retryMaxAttempts() { return (int) positive(Key.RETRY_MAX_ATTEMPTS); }
    public Duration retryInitialBackoff() { return duration(Key.RETRY_INITIAL_BACKOFF); }
    public Duration requestTimeout() { return duration(Key.REQUEST_TIMEOUT); }

    private long positive(Key k) {
        try {
            long n = Long.parseLong(get(k));
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConvoyException(ErrorCode.MIG020, "audit setting " + k.key + " must be a whole number of at least 1, got '" + get(k) + "'");
    }

    private Duration duration(Key k) {
        String s = get(k).toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            if (s.endsWith("min")) return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 3)));
            if (s.endsWith("s")) return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConvoyException(ErrorCode.MIG020, "audit setting " + k.key + " must be a duration such as 500ms, 2s, 1min, got '" + Secrets.mask(get(k)) + "'");
    }
}
