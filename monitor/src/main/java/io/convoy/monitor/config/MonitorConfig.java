package io.convoy.monitor.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.convoy.core.config.Durations;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.util.Secrets;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The monitor's configuration: every key declared once in {@link Key} with its type, default and one line of
 * documentation. Layers: defaults &lt; a YAML file of flat keys &lt; {@code CONVOY_MONITOR_*} environment variables.
 * Relative paths in the file are relative to its directory, others to the working directory. Immutable; every
 * value is parsed and checked (warning thresholds below critical ones) when it is built: MIG020 naming the key,
 * the value and where it came from.
 */
public final class MonitorConfig {
    public static final String DEFAULT_SOURCE = "default";

    /** Every key, declared once. */
    public enum Key {
        BOOTSTRAP_SERVERS("bootstrap_servers", Type.STRING, "127.0.0.1:9092", "Kafka bootstrap servers, host:port[,host:port...]"),
        SCHEMA_REGISTRY_URL("schema_registry_url", Type.URL, "http://127.0.0.1:8081/apis/ccompat/v7", "Confluent-API schema registry base URL (user:password@ allowed, never printed)"),
        AUTO_REGISTER_SCHEMAS("auto_register_schemas", Type.BOOLEAN, "true", "create the topics and register the message schemas at start-up (false: they must exist already)"),
        CLUSTERS_FILE("clusters_file", Type.PATH, "clusters.yaml", "clusters to watch: id, primary JDBC URL, user, password_env or password_file, expected standbys"),
        MONITOR_ID("monitor_id", Type.STRING, "", "who the monitor is in control records (actor); empty = convoy-monitor@<host name>"),
        APPLICATION_ID("application_id", Type.STRING, "convoy-monitor", "Kafka Streams application id of the step-duration detector (consumer group, internal topic prefix)"),
        STATE_DIR("state_dir", Type.PATH, "monitor-state", "directory of the step-duration detector's state store"),
        POLL_INTERVAL("poll_interval", Type.DURATION, "1s", "how often each cluster is probed and running steps are measured"),
        PROBE_TIMEOUT("probe_timeout", Type.DURATION, "800ms", "statement_timeout of the probe queries (and their connect timeout, at least 1 s)"),
        LAG_WARN("lag_warn", Type.DURATION, "10s", "replication lag of a standby over which a WARNING is raised (MIG002)"),
        LAG_CRITICAL("lag_critical", Type.DURATION, "30s", "replication lag of a standby over which a CRITICAL is raised and the cluster halted"),
        STANDBY_MISSING_CRITICAL("standby_missing_critical", Type.DURATION, "30s", "an expected standby missing (or its slot inactive) is a WARNING at once, CRITICAL (halt) after this long"),
        LOCK_WARN("lock_warn", Type.DURATION, "1s", "lock wait involving a migration over which a WARNING is raised (MIG003)"),
        LOCK_CRITICAL("lock_critical", Type.DURATION, "5s", "lock wait involving a migration over which a CRITICAL is raised and the cluster halted"),
        DURATION_WARN("duration_warn", Type.DURATION, "5min", "running time of a migration step over which a WARNING is raised"),
        DURATION_CRITICAL("duration_critical", Type.DURATION, "15min", "running time of a migration step over which a CRITICAL is raised (no halt)"),
        HOLD_DOWN("hold_down", Type.DURATION, "30s", "how long a value must stay under a level before the alert steps down (RESOLVED under the warning level)"),
        HALT_ON_CRITICAL("halt_on_critical", Type.BOOLEAN, "true", "write HALT for the cluster on a CRITICAL lag or lock alert, and RESUME when it resolved"),
        METRICS_PORT("metrics_port", Type.PORT, "9466", "port of /metrics and /health on 127.0.0.1; 0 = any free port, -1 = off");

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

        public String key() { return key; }

        public Type type() { return type; }

        public String defaultValue() { return defaultValue; }

        public String doc() { return doc; }

        /** {@code CONVOY_MONITOR_LAG_WARN}. */
        public String envVar() { return "CONVOY_MONITOR_" + key.toUpperCase(Locale.ROOT); }

        public static Optional<Key> byName(String name) {
            return Arrays.stream(values()).filter(k -> k.key.equals(name)).findFirst();
        }
    }

    /** How a value is read and checked. */
    public enum Type {
        STRING("a string"),
        URL("an http(s) URL"),
        BOOLEAN("true or false"),
        PATH("a file or directory path"),
        DURATION("a duration such as 500ms, 2s, 1min"),
        PORT("a port from 0 to 65535, or -1 for off");

        private final String expected;

        Type(String expected) { this.expected = expected; }

        public String expected() { return expected; }
    }

    /**
     * One key's effective value.
     *
     * @param value  the parsed value (String, Boolean, Path, Duration, Integer)
     * @param source {@code default}, {@code monitor.yaml:3}, {@code env CONVOY_MONITOR_X} or {@code override}
     */
    public record Setting(Key key, String raw, Object value, String source) {}

    private final Map<Key, Setting> settings;

    private MonitorConfig(Map<Key, Setting> settings) {
        EnumMap<Key, Setting> copy = new EnumMap<>(Key.class);
        copy.putAll(settings);
        this.settings = copy;
        checkOrder(Key.LAG_WARN, Key.LAG_CRITICAL);
        checkOrder(Key.LOCK_WARN, Key.LOCK_CRITICAL);
        checkOrder(Key.DURATION_WARN, Key.DURATION_CRITICAL);
        if (pollInterval().isZero()) {
            throw new ConvoyException(ErrorCode.MIG020, "poll_interval (from " + settings.get(Key.POLL_INTERVAL).source()
                    + ") must be more than 0");
        }
        if (standbyMissingCritical().isZero()) {
            throw new ConvoyException(ErrorCode.MIG020, "standby_missing_critical (from "
                    + settings.get(Key.STANDBY_MISSING_CRITICAL).source() + ") must be more than 0: a missing standby is a"
                    + " WARNING at once and CRITICAL after this long");
        }
        if (probeTimeout().isZero()) {
            throw new ConvoyException(ErrorCode.MIG020, "probe_timeout (from " + settings.get(Key.PROBE_TIMEOUT).source()
                    + ") must be more than 0: a probe must never wait without limit");
        }
    }

    private void checkOrder(Key warn, Key critical) {
        Duration w = duration(warn);
        Duration c = duration(critical);
        if (w.compareTo(c) >= 0) {
            throw new ConvoyException(ErrorCode.MIG020, warn.key() + " (" + settings.get(warn).raw() + ", from "
                    + settings.get(warn).source() + ") must be below " + critical.key() + " (" + settings.get(critical).raw()
                    + ", from " + settings.get(critical).source() + ")");
        }
    }

    /** Defaults only, relative paths against {@code workingDirectory}. */
    public static MonitorConfig defaults(Path workingDirectory) {
        return load(workingDirectory, Optional.empty(), Map.of());
    }

    /** Defaults &lt; {@code file} (must exist when given) &lt; the {@code CONVOY_MONITOR_*} entries of {@code env}. */
    public static MonitorConfig load(Path workingDirectory, Optional<Path> file, Map<String, String> env) {
        Path cwd = workingDirectory.toAbsolutePath().normalize();
        EnumMap<Key, Setting> settings = new EnumMap<>(Key.class);
        for (Key k : Key.values()) {
            settings.put(k, setting(k, k.defaultValue(), DEFAULT_SOURCE, cwd));
        }
        if (file.isPresent()) {
            Path f = cwd.resolve(file.get()).normalize();
            if (!Files.isRegularFile(f)) {
                throw new ConvoyException(ErrorCode.MIG020, "monitor configuration file " + f + " does not exist");
            }
            for (Map.Entry<Key, Located> e : readYaml(f).entrySet()) {
                settings.put(e.getKey(), setting(e.getKey(), e.getValue().value(), f + ":" + e.getValue().line(), f.getParent()));
            }
        }
        for (Key k : Key.values()) {
            String v = env.get(k.envVar());
            if (v != null) {
                settings.put(k, setting(k, v, "env " + k.envVar(), cwd));
            }
        }
        return new MonitorConfig(settings);
    }

    /** A copy with one key set (tests, embedding programs); relative paths against the working directory. */
    public MonitorConfig with(Key key, String raw) {
        EnumMap<Key, Setting> copy = new EnumMap<>(settings);
        copy.put(key, setting(key, raw, "override", Path.of("").toAbsolutePath()));
        return new MonitorConfig(copy);
    }

    // ------------------------------------------------------------------ typed getters

    public Setting setting(Key key) { return settings.get(key); }

    public List<Setting> settings() { return List.copyOf(settings.values()); }

    public String bootstrapServers() { return (String) value(Key.BOOTSTRAP_SERVERS); }

    public String schemaRegistryUrl() { return (String) value(Key.SCHEMA_REGISTRY_URL); }

    public boolean autoRegisterSchemas() { return (Boolean) value(Key.AUTO_REGISTER_SCHEMAS); }

    public Path clustersFile() { return (Path) value(Key.CLUSTERS_FILE); }

    /** The configured id, or {@code convoy-monitor@<host name>}. */
    public String monitorId() {
        String id = (String) value(Key.MONITOR_ID);
        if (!id.isEmpty()) {
            return id;
        }
        try {
            return "convoy-monitor@" + InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "convoy-monitor";
        }
    }

    public String applicationId() { return (String) value(Key.APPLICATION_ID); }

    public Path stateDir() { return (Path) value(Key.STATE_DIR); }

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

    public boolean haltOnCritical() { return (Boolean) value(Key.HALT_ON_CRITICAL); }

    /** The metrics port; empty when off. */
    public Optional<Integer> metricsPort() {
        int port = (Integer) value(Key.METRICS_PORT);
        return port < 0 ? Optional.empty() : Optional.of(port);
    }

    /** One line per key: name, shown value (URLs masked), source. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Setting s : settings.values()) {
            String shown = s.key().type() == Type.URL ? Secrets.mask(s.raw()) : s.raw();
            b.append(String.format(Locale.ROOT, "  %-26s %-40s (%s)%n", s.key().key(), shown, s.source()));
        }
        return b.toString();
    }

    private Object value(Key key) { return settings.get(key).value(); }

    private Duration duration(Key key) { return (Duration) value(key); }

    // ------------------------------------------------------------------ parsing

    private record Located(String value, int line) {}

    private static Map<Key, Located> readYaml(Path file) {
        Map<Key, Located> out = new LinkedHashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return out;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new ConvoyException(ErrorCode.MIG020, file + ":" + line(p.currentTokenLocation())
                        + ": the monitor configuration must be a mapping of keys to values");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int line = line(p.currentTokenLocation());
                JsonToken value = p.nextToken();
                Key key = Key.byName(name).orElseThrow(() -> new ConvoyException(ErrorCode.MIG020, "unknown key '" + name
                        + "' in " + file + ":" + line + "; known keys: "
                        + String.join(", ", Arrays.stream(Key.values()).map(Key::key).toList())));
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    throw new ConvoyException(ErrorCode.MIG020, "key " + name + " in " + file + ":" + line
                            + " takes a single value, not a " + (value == JsonToken.START_ARRAY ? "list" : "mapping"));
                }
                if (out.containsKey(key)) {
                    throw new ConvoyException(ErrorCode.MIG020, "key " + name + " appears twice in " + file + " (lines "
                            + out.get(key).line() + " and " + line + ")");
                }
                if (value != JsonToken.VALUE_NULL) {
                    out.put(key, new Located(p.getText(), line));
                }
            }
        } catch (JsonProcessingException e) {
            throw new ConvoyException(ErrorCode.MIG020, file + ":" + line(e.getLocation()) + ": not valid YAML: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Setting setting(Key key, String raw, String source, Path base) {
        Objects.requireNonNull(raw, "raw");
        return new Setting(key, raw, parse(key, raw, source, base), source);
    }

    private static Object parse(Key key, String raw, String source, Path base) {
        String v = raw.strip();
        switch (key.type()) {
            case STRING -> {
                return v;
            }
            case URL -> {
                if (!(v.startsWith("http://") || v.startsWith("https://")) || v.length() <= "https://".length()) {
                    throw bad(key, raw, source);
                }
                return v;
            }
            case BOOLEAN -> {
                if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(v.toLowerCase(Locale.ROOT));
                }
                throw bad(key, raw, source);
            }
            case PATH -> {
                if (v.isEmpty()) {
                    throw bad(key, raw, source);
                }
                try {
                    return base.resolve(v).normalize();
                } catch (InvalidPathException e) {
                    throw bad(key, raw, source);
                }
            }
            case DURATION -> {
                return Durations.parse(v).orElseThrow(() -> bad(key, raw, source));
            }
            case PORT -> {
                try {
                    int n = Integer.parseInt(v);
                    if (n < -1 || n > 65535) {
                        throw bad(key, raw, source);
                    }
                    return n;
                } catch (NumberFormatException e) {
                    throw bad(key, raw, source);
                }
            }
            default -> throw new IllegalStateException(key.type().name());
        }
    }

    private static ConvoyException bad(Key key, String raw, String source) {
        String shown = key.type() == Type.URL ? Secrets.mask(raw) : raw;
        return new ConvoyException(ErrorCode.MIG020, "invalid value '" + shown + "' for " + key.key() + " (from " + source
                + "): expected " + key.type().expected());
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }
}
