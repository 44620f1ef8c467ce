package io.convoy.monitor.config;

import io.convoy.core.config.DeclaredKey;
import io.convoy.core.config.KeyLoader;
import io.convoy.core.config.KeySpec;
import io.convoy.core.config.KeySetting;
import io.convoy.core.config.KeyedConfig;
import io.convoy.core.config.ValueType;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The monitor's configuration: every key declared once in {@link Key} with its type, default and one line of
 * documentation. Layers: defaults &lt; a YAML file of flat keys &lt; {@code CONVOY_MONITOR_*} environment variables
 * ({@link KeyLoader}). Relative paths in the file are relative to its directory, others to the working directory.
 * Immutable; every value is parsed and checked (warning thresholds below critical ones) when it is built: MIG020
 * naming the key, the value and where it came from.
 */
public final class MonitorConfig {
    public static final String DEFAULT_SOURCE = KeyedConfig.DEFAULT_SOURCE;

    /** Every key, declared once. */
    public enum Key implements DeclaredKey {
        BOOTSTRAP_SERVERS("bootstrap_servers", ValueType.STRING, "127.0.0.1:9092", "Kafka bootstrap servers, host:port[,host:port...]"),
        SCHEMA_REGISTRY_URL("schema_registry_url", ValueType.HTTP_URL, "http://127.0.0.1:8081/apis/ccompat/v7", "Confluent-API schema registry base URL (user:password@ allowed, never printed)"),
        AUTO_REGISTER_SCHEMAS("auto_register_schemas", ValueType.BOOLEAN, "true", "create the topics and register the message schemas at start-up (false: they must exist already)"),
        CLUSTERS_FILE("clusters_file", ValueType.PATH, "clusters.yaml", "clusters to watch: id, primary JDBC URL, user, password_env or password_file, expected standbys"),
        MONITOR_ID("monitor_id", ValueType.OPTIONAL_STRING, "", "who the monitor is in control records (actor); empty = convoy-monitor@<host name>"),
        APPLICATION_ID("application_id", ValueType.STRING, "convoy-monitor", "Kafka Streams application id of the step-duration detector (consumer group, internal topic prefix)"),
        STATE_DIR("state_dir", ValueType.PATH, "monitor-state", "directory of the step-duration detector's state store"),
        POLL_INTERVAL("poll_interval", ValueType.DURATION, "1s", "how often each cluster is probed and running steps are measured"),
        PROBE_TIMEOUT("probe_timeout", ValueType.DURATION, "800ms", "statement_timeout of the probe queries (and their connect timeout, at least 1 s)"),
        LAG_WARN("lag_warn", ValueType.DURATION, "10s", "replication lag of a standby over which a WARNING is raised (MIG002)"),
        LAG_CRITICAL("lag_critical", ValueType.DURATION, "30s", "replication lag of a standby over which a CRITICAL is raised and the cluster halted"),
        STANDBY_MISSING_CRITICAL("standby_missing_critical", ValueType.DURATION, "30s", "an expected standby missing (or its slot inactive) is a WARNING at once, CRITICAL (halt) after this long"),
        LOCK_WARN("lock_warn", ValueType.DURATION, "1s", "lock wait involving a migration over which a WARNING is raised (MIG003)"),
        LOCK_CRITICAL("lock_critical", ValueType.DURATION, "5s", "lock wait involving a migration over which a CRITICAL is raised and the cluster halted"),
        DURATION_WARN("duration_warn", ValueType.DURATION, "5min", "running time of a migration step over which a WARNING is raised"),
        DURATION_CRITICAL("duration_critical", ValueType.DURATION, "15min", "running time of a migration step over which a CRITICAL is raised (no halt)"),
        HOLD_DOWN("hold_down", ValueType.DURATION, "30s", "how long a value must stay under a level before the alert steps down (RESOLVED under the warning level)"),
        HALT_ON_CRITICAL("halt_on_critical", ValueType.BOOLEAN, "true", "write HALT for the cluster on a CRITICAL lag or lock alert, and RESUME when it resolved"),
        METRICS_PORT("metrics_port", ValueType.PORT, "9466", "port of /metrics and /health on 127.0.0.1; 0 = any free port, -1 = off");

        private final KeySpec spec;

        Key(String key, ValueType type, String defaultValue, String doc) {
            spec = new KeySpec(key, type, defaultValue, doc);
        }

        @Override public KeySpec spec() { return spec; }

        /** {@code CONVOY_MONITOR_LAG_WARN}. */
        @Override public String envPrefix() { return "CONVOY_MONITOR_"; }
    }

    private static final KeyLoader<Key> LOADER = new KeyLoader<>(Key.class, "monitor");

    private final KeyedConfig<Key> settings;

    private MonitorConfig(KeyedConfig<Key> settings) {
        this.settings = settings;
        checkOrder(Key.LAG_WARN, Key.LAG_CRITICAL);
        checkOrder(Key.LOCK_WARN, Key.LOCK_CRITICAL);
        checkOrder(Key.DURATION_WARN, Key.DURATION_CRITICAL);
        if (pollInterval().isZero()) {
            throw new ConvoyException(ErrorCode.MIG020, "poll_interval (from " + settings.setting(Key.POLL_INTERVAL).source()
                    + ") must be more than 0");
        }
        if (standbyMissingCritical().isZero()) {
            throw new ConvoyException(ErrorCode.MIG020, "standby_missing_critical (from "
                    + settings.setting(Key.STANDBY_MISSING_CRITICAL).source() + ") must be more than 0: a missing standby is a"
                    + " WARNING at once and CRITICAL after this long");
        }
        if (probeTimeout().isZero()) {
            throw new ConvoyException(ErrorCode.MIG020, "probe_timeout (from " + settings.setting(Key.PROBE_TIMEOUT).source()
                    + ") must be more than 0: a probe must never wait without limit");
        }
    }

    private void checkOrder(Key warn, Key critical) {
        Duration w = duration(warn);
        Duration c = duration(critical);
        if (w.compareTo(c) >= 0) {
            throw new ConvoyException(ErrorCode.MIG020, warn.key() + " (" + settings.setting(warn).raw() + ", from "
                    + settings.setting(warn).source() + ") must be below " + critical.key() + " (" + settings.setting(critical).raw()
                    + ", from " + settings.setting(critical).source() + ")");
        }
    }

    /** Defaults only, relative paths against {@code workingDirectory}. */
    public static MonitorConfig defaults(Path workingDirectory) {
        return load(workingDirectory, Optional.empty(), Map.of());
    }

    /** Defaults &lt; {@code file} (must exist when given) &lt; the {@code CONVOY_MONITOR_*} entries of {@code env}. */
    public static MonitorConfig load(Path workingDirectory, Optional<Path> file, Map<String, String> env) {
        return new MonitorConfig(LOADER.load(workingDirectory, file, env, Map.of(), k -> "override"));
    }

    /** A copy with one key set (tests, embedding programs); relative paths against the working directory. */
    public MonitorConfig with(Key key, String raw) {
        return new MonitorConfig(settings.with(key, raw, "override", Path.of("")));
    }

    // ------------------------------------------------------------------ typed getters

    public KeySetting<Key> setting(Key key) { return settings.setting(key); }

    public List<KeySetting<Key>> settings() { return settings.settings(); }

    public String bootstrapServers() { return settings.string(Key.BOOTSTRAP_SERVERS); }

    public String schemaRegistryUrl() { return settings.string(Key.SCHEMA_REGISTRY_URL); }

    public boolean autoRegisterSchemas() { return settings.bool(Key.AUTO_REGISTER_SCHEMAS); }

    public Path clustersFile() { return settings.path(Key.CLUSTERS_FILE); }

    /** The configured id, or {@code convoy-monitor@<host name>}. */
    public String monitorId() {
        String id = settings.string(Key.MONITOR_ID);
        if (!id.isEmpty()) {
            return id;
        }
        try {
            return "convoy-monitor@" + InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "convoy-monitor";
        }
    }

    public String applicationId() { return settings.string(Key.APPLICATION_ID); }

    public Path stateDir() { return settings.path(Key.STATE_DIR); }

    public Duration pollInterval() { return duration(Key.POLL_INTERVAL); }

    public Duration probeTimeout() { return duration(Key.PROBE_TIMEOUT); }

    public Duration lagWarn() { return duration(Key.LAG_WARN); }

    public Duration lagCritical() { return duration(Key.LAG_CRITICAL); }

    public Duration standbyMissingCritical() { return duration(Key.STANDBY_MISSING_CRITICAL); }

    public Duration lockWarn() { return duration(Key.LOCK_WARN); }

    public Duration lockCritical() { return duration(Key.LOCK_CRITICAL); }

    public Duration durationWarn() { return duration(Key.DURATION_WARN); }

    public Duration durationCritical() { return duration(Key.DURATION_CRITICAL); }

    public Duration holdDown() { return duration(Key.HOLD_DOWN); }

    public boolean haltOnCritical() { return settings.bool(Key.HALT_ON_CRITICAL); }

    /** The metrics port; empty when off. */
    public Optional<Integer> metricsPort() { return settings.port(Key.METRICS_PORT); }

    /** One line per key: name, shown value (URLs masked), source. */
    public String describe() { return settings.describe(); }

    private Duration duration(Key key) { return settings.duration(key); }
}
