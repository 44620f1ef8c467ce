package io.convoy.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads the keys of one service, in layers: defaults &lt; a file ({@code .properties}, else YAML; nested YAML
 * mappings are dotted keys) &lt; environment variables ({@link DeclaredKey#envVar()}) &lt; explicit overrides
 * (command-line flags, values set in code). Relative paths are resolved against the file's directory for values
 * from the file, the working directory otherwise. Unknown keys in the file or the overrides are rejected naming
 * the key, the closest known one and every known one; a required key nobody set is named with its variable and
 * doc. Every error is MIG020.
 */
public final class KeyLoader<K extends Enum<K> & DeclaredKey> {
    private final Class<K> keys;
    private final String service;
    private final String what;

    /**
     * @param keys the service's key enum
     * @param service how messages name the service: {@code planner} gives "the planner configuration lacks ...",
     *                "planner configuration file ... does not exist", "... is not a planner setting"
     */
    public KeyLoader(Class<K> keys, String service) {
        this.keys = keys;
        this.service = service;
        this.what = service + " configuration";
    }

    /** Defaults only; relative paths against {@code workingDirectory}. */
    public KeyedConfig<K> defaults(Path workingDirectory) {
        return load(workingDirectory, Optional.empty(), Map.of(), Map.of(), k -> "override");
    }

    /**
     * @param workingDirectory what relative paths from the environment and the overrides are relative to
     * @param file             a configuration file, which must exist when given
     * @param env              the environment; only the variables of the keys are read
     * @param overrides        explicit values, over everything else
     * @param overrideSource   the source named for an override, e.g. its flag
     */
    public KeyedConfig<K> load(Path workingDirectory, Optional<Path> file, Map<String, String> env,
                               Map<K, String> overrides, Function<K, String> overrideSource) {
        Path cwd = workingDirectory.toAbsolutePath().normalize();
        EnumMap<K, KeySetting<K>> settings = new EnumMap<>(keys);
        for (K k : keys.getEnumConstants()) {
            settings.put(k, KeyedConfig.setting(k, k.defaultValue().orElse(null), KeyedConfig.DEFAULT_SOURCE, cwd));
        }
        Optional<Path> read = file.map(f -> cwd.resolve(f).normalize());
        if (read.isPresent()) {
            Path f = read.get();
            if (!Files.isRegularFile(f)) {
                throw new ConvoyException(ErrorCode.MIG020, what + " file " + f + " does not exist");
            }
            for (Map.Entry<K, Located> e : read(f).entrySet()) {
                String source = e.getValue().line() > 0 ? f + ":" + e.getValue().line() : f.toString();
                settings.put(e.getKey(), KeyedConfig.setting(e.getKey(), e.getValue().value(), source, f.getParent()));
            }
        }
        for (K k : keys.getEnumConstants()) {
            String v = env.get(k.envVar());
            if (v != null) {
                settings.put(k, KeyedConfig.setting(k, v, "env " + k.envVar(), cwd));
            }
        }
        overrides.forEach((k, v) -> {
            if (v != null) {
                settings.put(k, KeyedConfig.setting(k, v, overrideSource.apply(k), cwd));
            }
        });
        List<String> missing = new ArrayList<>();
        for (KeySetting<K> s : settings.values()) {
            if (!s.isSet() && s.key().required()) {
                missing.add(s.key().key() + " (" + s.key().envVar() + ": " + s.key().doc() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG020, "the " + what + " lacks " + String.join("; ", missing));
        }
        return new KeyedConfig<>(keys, settings, read, envWarnings(env));
    }

    /** The key named {@code name}; MIG020 naming {@code where}, the closest key and every key when there is none. */
    public K key(String name, String where) {
        return byName(name).orElseThrow(() -> new ConvoyException(ErrorCode.MIG020, "unknown key '" + name + "' in "
                + where + closest(name, names()) + "; known keys: " + String.join(", ", names())));
    }

    /** The key named {@code name}. */
    public Optional<K> byName(String name) {
        return Arrays.stream(keys.getEnumConstants()).filter(k -> k.key().equals(name)).findFirst();
    }

    /** Every key name, in declaration order. */
    public List<String> names() {
        return Arrays.stream(keys.getEnumConstants()).map(DeclaredKey::key).toList();
    }

    private List<String> envWarnings(Map<String, String> env) {
        K[] all = keys.getEnumConstants();
        if (all.length == 0) {
            return List.of();
        }
        String prefix = all[0].envPrefix();
        List<String> vars = Arrays.stream(all).map(DeclaredKey::envVar).toList();
        List<String> warnings = new ArrayList<>();
        for (String var : new TreeSet<>(env.keySet())) {
            if (var.startsWith(prefix) && !vars.contains(var)) {
                warnings.add("environment variable " + var + " is not a " + service + " setting and is ignored"
                        + closest(var, vars));
            }
        }
        return warnings;
    }

    // ------------------------------------------------------------------ reading files

    private record Located(String value, int line) {}

    private Map<K, Located> read(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".properties")
                ? readProperties(file) : readYaml(file);
    }

    private Map<K, Located> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<K, Located> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(name -> out.put(key(name, file.toString()),
                new Located(p.getProperty(name), 0)));
        return out;
    }

    private Map<K, Located> readYaml(Path file) {
        Map<K, Located> out = new LinkedHashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return out;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new ConvoyException(ErrorCode.MIG020, file + ":" + line(p.currentTokenLocation()) + ": the " + what
                        + " must be a mapping of keys to values");
            }
            readMapping(p, "", file, out);
        } catch (JsonProcessingException e) {
            throw new ConvoyException(ErrorCode.MIG020, file + ":" + line(e.getLocation()) + ": not valid YAML: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private void readMapping(JsonParser p, String prefix, Path file, Map<K, Located> out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
            int line = line(p.currentTokenLocation());
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT && byName(name).isEmpty()) {
                readMapping(p, name, file, out);
                continue;
            }
            K key = key(name, file + ":" + line);
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
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    /** {@code " (did you mean x?)"} when a candidate is within 3 edits of {@code name}, else empty. */
    static String closest(String name, List<String> candidates) {
        return candidates.stream()
                .min(Comparator.comparingInt(k -> distance(k, name)))
                .filter(k -> distance(k, name) <= 3)
                .map(k -> " (did you mean " + k + "?)")
                .orElse("");
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
