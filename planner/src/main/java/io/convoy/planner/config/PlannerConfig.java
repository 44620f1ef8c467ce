package io.convoy.planner.config;

import io.convoy.core.config.Durations;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.util.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The planner's configuration: every key declared once in {@link Key} with its type, default and one line of
 * documentation. Layers: defaults &lt; a {@code .yaml}/{@code .yml} or {@code .properties} file &lt;
 * {@code CONVOY_PLANNER_*} environment variables. Relative paths in the file are relative to the file's
 * directory; relative paths from defaults or the environment are relative to the working directory.
 * Immutable; every value is parsed when the configuration is built, so a bad value fails at once with MIG020
 * naming the key, the value and where it came from.
 */
public final class PlannerConfig {
    /** Where a default value comes from, in {@link Setting#source()}. */
    public static final String DEFAULT_SOURCE = "default";

    /** Every key, declared once. */
    public enum Key {
        BOOTSTRAP_SERVERS("bootstrap_servers", Type.STRING, "127.0.0.1:9092", "Kafka bootstrap servers, host:port[,host:port...]"),
        SCHEMA_REGISTRY_URL("schema_registry_url", Type.URL, "http://127.0.0.1:8081/apis/ccompat/v7", "Confluent-API schema registry base URL (user:password@ allowed, never printed)"),
        AUTO_REGISTER_SCHEMAS("auto_register_schemas", Type.BOOLEAN, "true", "register the message schemas at start-up and on first send (false: they must be registered already)"),
        VERSIONS("versions", Type.PATH, "versions", "directory of revision files the planner plans from (read once at start-up)"),
        FLEET_FILE("fleet_file", Type.PATH, "fleet.yaml", "fleet file: clusters and targets with their labels (read once at start-up; no credentials)"),
        APPLICATION_ID("application_id", Type.STRING, "convoy-planner", "Kafka Streams application id: consumer group and prefix of the planner's internal topics"),
        STATE_DIR("state_dir", Type.PATH, "planner-state", "directory of the Kafka Streams state stores"),
        STREAM_THREADS("stream_threads", Type.POSITIVE_INT, "1", "number of Kafka Streams processing threads"),
        COMMIT_INTERVAL("commit_interval", Type.DURATION, "100ms", "how often processing is committed (exactly-once: outputs become visible at each commit)"),
        REPLICATION_FACTOR("replication_factor", Type.REPLICATION, "-1", "replication factor of the planner's internal topics (changelogs, repartition topics); -1 = the broker's default"),
        STATE_WAIT("state_wait", Type.DURATION, "2min", "how long a target that never reported its state is waited for before it is rejected (MIG021)"),
        STATE_CHECK_INTERVAL("state_check_interval", Type.DURATION, "1s", "how often targets waiting for their state are checked against state_wait"),
        LOCK_TIMEOUT("lock_timeout", Type.DURATION, "2s", "lock_timeout of commands whose revision sets none"),
        STATEMENT_TIMEOUT("statement_timeout", Type.OPTIONAL_DURATION, "off", "statement_timeout of commands whose revision sets none; off = no limit"),
        REQUEST_RETENTION("request_retention", Type.DURATION, "30d", "how long a finished request is remembered, so that its id is still recognised as a duplicate"),
        METRICS_PORT("metrics_port", Type.PORT, "9465", "port of /metrics (Prometheus) and /health on 127.0.0.1; 0 = any free port, -1 = off"),
        LINT("lint", Type.BOOLEAN, "false", "lint the revisions a plan upgrades on a shadow PostgreSQL (once per revision checksum) and reject targets with error-level findings (MIG007) the request does not approve"),
        LINT_ROWS("lint_rows", Type.POSITIVE_INT, "1000", "rows generated per table in the shadow database the planner lints on"),
        VERIFY_ROLLBACK_ENVS("verify_rollback_envs", Type.LIST, "", "comma-separated env label values (fleet file) whose plans are rejected (MIG008, rule VR001) unless every revision's downgrade restores its schema on a shadow PostgreSQL; empty = none");

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

        /** The name in the configuration file. */
        public String key() { return key; }

        public Type type() { return type; }

        public String defaultValue() { return defaultValue; }

        public String doc() { return doc; }

        /** {@code CONVOY_PLANNER_STATE_WAIT}. */
        public String envVar() { return "CONVOY_PLANNER_" + key.toUpperCase(Locale.ROOT); }

        public static Optional<Key> byName(String name) {
            return Arrays.stream(values()).filter(k -> k.key.equals(name)).findFirst();
        }
    }

    /** How a value is read and checked. */
    public enum Type {
        STRING("a non-empty string"),
        URL("an http(s) URL"),
        BOOLEAN("true or false"),
        PATH("a file or directory path"),
        DURATION("a duration such as 500ms, 2s, 1min, 30d"),
        OPTIONAL_DURATION("a duration such as 500ms, 2s, 1min, or off"),
        POSITIVE_INT("a whole number of at least 1"),
        REPLICATION("-1 or a whole number of at least 1"),
        PORT("a port from 0 to 65535, or -1 for off"),
        LIST("a comma-separated list of names, or nothing");

        private final String expected;

        Type(String expected) { this.expected = expected; }

        public String expected() { return expected; }
    }

    /**
     * One key's effective value.
     *
     * @param raw    the value as written
     * @param value  the parsed value (String, Boolean, Path, Duration, Optional&lt;Duration&gt;, Integer, List&lt;String&gt;)
     * @param source {@code default}, {@code planner.yaml:3}, {@code planner.properties} or {@code env CONVOY_PLANNER_X}
     */
    public record Setting(Key key, String raw, Object value, String source) {}

    private final Map<Key, Setting> settings;

    private PlannerConfig(Map<Key, Setting> settings) {
        EnumMap<Key, Setting> copy = new EnumMap<>(Key.class);
        copy.putAll(settings);
        for (Key k : Key.values()) {
            if (!copy.containsKey(k)) {
                throw new IllegalArgumentException("no setting for " + k.key());
            }
        }
        this.settings = copy;
    }

    /** Defaults only, relative paths resolved against {@code workingDirectory}. */
    public static PlannerConfig defaults(Path workingDirectory) {
        return load(workingDirectory, Optional.empty(), Map.of());
    }

    /**
     * Defaults &lt; {@code file} (must exist when given) &lt; the {@code CONVOY_PLANNER_*} entries of {@code env}.
     */
    public static PlannerConfig load(Path workingDirectory, Optional<Path> file, Map<String, String> env) {
        Path cwd = workingDirectory.toAbsolutePath().normalize();
        EnumMap<Key, Setting> settings = new EnumMap<>(Key.class);
        for (Key k : Key.values()) {
            settings.put(k, setting(k, k.defaultValue(), DEFAULT_SOURCE, cwd));
        }
        if (file.isPresent()) {
            Path f = cwd.resolve(file.get()).normalize();
            if (!Files.isRegularFile(f)) {
                throw new ConvoyException(ErrorCode.MIG020, "planner configuration file " + f + " does not exist");
            }
            Path base = f.getParent();
            for (Map.Entry<Key, Located> e : read(f).entrySet()) {
                String source = e.getValue().line() > 0 ? f + ":" + e.getValue().line() : f.toString();
                settings.put(e.getKey(), setting(e.getKey(), e.getValue().value(), source, base));
            }
        }
        for (Key k : Key.values()) {
            String v = env.get(k.envVar());
            if (v != null) {
                settings.put(k, setting(k, v, "env " + k.envVar(), cwd));
            }
        }
        return new PlannerConfig(settings);
    }

    /** A copy with one key set (e.g. by a test or an embedding program); relative paths against {@code base}. */
    public PlannerConfig with(Key key, String raw, Path base) {
        EnumMap<Key, Setting> copy = new EnumMap<>(settings);
        copy.put(key, setting(key, raw, "override", base.toAbsolutePath().normalize()));
        return new PlannerConfig(copy);
    }

    /** A copy with one key set; relative paths against the working directory. */
    public PlannerConfig with(Key key, String raw) {
        return with(key, raw, Path.of(""));
    }

    // ------------------------------------------------------------------ typed getters

    public Setting setting(Key key) { return settings.get(key); }

    /** Every key in declaration order. */
    public List<Setting> settings() { return List.copyOf(settings.values()); }

    public String bootstrapServers() { return (String) value(Key.BOOTSTRAP_SERVERS); }

    public String schemaRegistryUrl() { return (String) value(Key.SCHEMA_REGISTRY_URL); }

    public boolean autoRegisterSchemas() { return (Boolean) value(Key.AUTO_REGISTER_SCHEMAS); }

    public Path versionsDirectory() { return (Path) value(Key.VERSIONS); }

    public Path fleetFile() { return (Path) value(Key.FLEET_FILE); }

    public String applicationId() { return (String) value(Key.APPLICATION_ID); }

    public Path stateDir() { return (Path) value(Key.STATE_DIR); }

    public int streamThreads() { return (Integer) value(Key.STREAM_THREADS); }

    public Duration commitInterval() { return (Duration) value(Key.COMMIT_INTERVAL); }

    /** -1 means the broker's default. */
    public int replicationFactor() { return (Integer) value(Key.REPLICATION_FACTOR); }

    public Duration stateWait() { return (Duration) value(Key.STATE_WAIT); }

    public Duration stateCheckInterval() { return (Duration) value(Key.STATE_CHECK_INTERVAL); }

    public Duration lockTimeout() { return (Duration) value(Key.LOCK_TIMEOUT); }

    @SuppressWarnings("unchecked")
    public Optional<Duration> statementTimeout() { return (Optional<Duration>) value(Key.STATEMENT_TIMEOUT); }

    public Duration requestRetention() { return (Duration) value(Key.REQUEST_RETENTION); }

    /** The port of /metrics and /health (0: any free port); empty when off (-1). */
    public Optional<Integer> metricsPort() {
        int port = (Integer) value(Key.METRICS_PORT);
        return port < 0 ? Optional.empty() : Optional.of(port);
    }
    public boolean lint() { return (Boolean) value(Key.LINT); }

    public int lintRows() { return (Integer) value(Key.LINT_ROWS); }

    @SuppressWarnings("unchecked")
    public List<String> verifyRollbackEnvs() { return (List<String>) value(Key.VERIFY_ROLLBACK_ENVS); }

    /** A value as it may be shown: URLs with their password masked. */
    public static String display(Setting s) {
        return s.key().type() == Type.URL ? Secrets.mask(s.raw()) : s.value().toString();
    }

    /** One line per key: {@code key = value  (source)}, for the start-up log. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Setting s : settings.values()) {
            b.append(s.key().key()).append(" = ").append(display(s)).append("  (").append(s.source()).append(")\n");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("PlannerConfig{");
        settings.values().forEach(s -> b.append(s.key().key()).append('=').append(display(s)).append(", "));
        return b.append('}').toString();
    }

    private Object value(Key key) { return settings.get(key).value(); }

    // ------------------------------------------------------------------ reading and parsing

    private record Located(String value, int line) {}

    private static Map<Key, Located> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".properties")) {
            return readProperties(file);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return readYaml(file);
        }
        throw new ConvoyException(ErrorCode.MIG020, "planner configuration file " + file
                + " must end with .yaml, .yml or .properties");
    }

    private static Map<Key, Located> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<Key, Located> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(name -> {
            Key key = Key.byName(name).orElseThrow(() -> unknown(name, file.toString()));
            out.put(key, new Located(p.getProperty(name), 0));
        });
        return out;
    }

    private static Map<Key, Located> readYaml(Path file) {
        Map<Key, Located> out = new LinkedHashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return out;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new ConvoyException(ErrorCode.MIG020, file + ":" + line(p.currentTokenLocation())
                        + ": the planner configuration must be a mapping of keys to values");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int line = line(p.currentTokenLocation());
                JsonToken value = p.nextToken();
                Key key = Key.byName(name).orElseThrow(() -> unknown(name, file + ":" + line));
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

    private static ConvoyException unknown(String name, String where) {
        String closest = Arrays.stream(Key.values()).map(Key::key)
                .min(Comparator.comparingInt(k -> distance(k, name)))
                .filter(k -> distance(k, name) <= 3)
                .map(k -> " (did you mean " + k + "?)")
                .orElse("");
        return new ConvoyException(ErrorCode.MIG020, "unknown key '" + name + "' in " + where + closest
                + "; known keys: " + String.join(", ", Arrays.stream(Key.values()).map(Key::key).toList()));
    }

    private static Setting setting(Key key, String raw, String source, Path base) {
        Objects.requireNonNull(raw, "raw");
        return new Setting(key, raw, parse(key, raw, source, base), source);
    }

    private static Object parse(Key key, String raw, String source, Path base) {
        String v = raw.strip();
        switch (key.type()) {
            case STRING -> {
                if (v.isEmpty()) {
                    throw bad(key, raw, source, null);
                }
                return v;
            }
            case URL -> {
                if (!(v.startsWith("http://") || v.startsWith("https://")) || v.length() <= "https://".length()) {
                    throw bad(key, raw, source, null);
                }
                return v;
            }
            case BOOLEAN -> {
                if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(v.toLowerCase(Locale.ROOT));
                }
                throw bad(key, raw, source, null);
            }
            case PATH -> {
                if (v.isEmpty()) {
                    throw bad(key, raw, source, null);
                }
                try {
                    return base.resolve(v).normalize();
                } catch (InvalidPathException e) {
                    throw bad(key, raw, source, e.getMessage());
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
            case POSITIVE_INT, REPLICATION -> {
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw bad(key, raw, source, null);
                }
                if (n < 1 && !(key.type() == Type.REPLICATION && n == -1)) {
                    throw bad(key, raw, source, null);
                }
                return n;
            }
            case PORT -> {
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw bad(key, raw, source, null);
                }
                if (n < -1 || n > 65535) {
                    throw bad(key, raw, source, null);
                }
                return n;
            }
            case LIST -> {
                List<String> names = Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
                if (names.stream().anyMatch(x -> x.chars().anyMatch(Character::isWhitespace))) {
                    throw bad(key, raw, source, "names must not contain spaces");
                }
                return names;
            }
            default -> throw new IllegalStateException(key.type().name());
        }
    }

    private static ConvoyException bad(Key key, String raw, String source, String detail) {
        String shown = key.type() == Type.URL ? Secrets.mask(raw) : raw;
        return new ConvoyException(ErrorCode.MIG020, "invalid value '" + shown + "' for " + key.key() + " (from " + source
                + "): expected " + key.type().expected() + (detail == null ? "" : " (" + detail + ")"));
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
