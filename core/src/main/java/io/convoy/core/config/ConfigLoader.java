package io.convoy.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.convoy.core.config.ConvoyConfig.Setting;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Builds a {@link ConvoyConfig} from its layers: defaults &lt; convoy.yaml &lt; CONVOY_* environment
 * variables &lt; command-line flags. Relative paths in convoy.yaml are relative to its directory;
 * relative paths from the environment or the command line are relative to the working directory.
 */
public final class ConfigLoader {
    public static final String FILE_NAME = "convoy.yaml";

    private ConfigLoader() {}

    /**
     * @param workingDirectory where {@code convoy.yaml} is looked for when {@code configFile} is empty
     * @param configFile       an explicit {@code --config} file (must exist)
     * @param env              the environment ({@code System.getenv()}); only CONVOY_* keys of the table are read
     * @param flags            values given on the command line
     */
    public static ConvoyConfig load(Path workingDirectory, Optional<Path> configFile, Map<String, String> env,
                                    Map<ConfigKey, String> flags) {
        return load(workingDirectory, configFile, env, flags, true);
    }

    static ConvoyConfig load(Path workingDirectory, Optional<Path> configFile, Map<String, String> env,
                             Map<ConfigKey, String> flags, boolean readFile) {
        Path cwd = workingDirectory.toAbsolutePath().normalize();
        EnumMap<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            settings.put(k, ConvoyConfig.setting(k, k.defaultValue().orElse(null), ConvoyConfig.DEFAULT_SOURCE, cwd));
        }

        Optional<Path> file = Optional.empty();
        if (configFile.isPresent()) {
            Path f = cwd.resolve(configFile.get()).normalize();
            if (!Files.isRegularFile(f)) {
                throw new ConvoyException(ErrorCode.MIG020, "config file " + f + " does not exist");
            }
            file = Optional.of(f);
        } else if (readFile && Files.isRegularFile(cwd.resolve(FILE_NAME))) {
            file = Optional.of(cwd.resolve(FILE_NAME));
        }
        if (file.isPresent()) {
            Path f = file.get();
            Path base = f.getParent();
            for (Map.Entry<ConfigKey, Located> e : readYaml(f).entrySet()) {
                String source = f + ":" + e.getValue().line();
                settings.put(e.getKey(), ConvoyConfig.setting(e.getKey(), e.getValue().value(), source, base));
            }
        }

        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("CONVOY_") && ConfigKey.byEnvVar(name).isEmpty()) {
                String closest = ConvoyConfig.keyNames().stream()
                        .map(k -> ConfigKey.byName(k).orElseThrow().envVar())
                        .min(Comparator.comparingInt(v -> distance(v, name)))
                        .filter(v -> distance(v, name) <= 3)
                        .map(v -> " (did you mean " + v + "?)")
                        .orElse("");
                warnings.add("environment variable " + name + " is not a Convoy setting and is ignored" + closest);
            }
        }
        for (ConfigKey k : ConfigKey.values()) {
            String v = env.get(k.envVar());
            if (v != null) {
                settings.put(k, ConvoyConfig.setting(k, v, "env " + k.envVar(), cwd));
            }
        }
        for (Map.Entry<ConfigKey, String> e : flags.entrySet()) {
            if (e.getValue() != null) {
                ConfigKey k = e.getKey();
                settings.put(k, ConvoyConfig.setting(k, e.getValue(), k.flag().orElse(k.key()), cwd));
            }
        }
        return new ConvoyConfig(settings, file, warnings);
    }

    private record Located(String value, int line) {}

    /** Reads convoy.yaml into key → (value, line); nested mappings become dotted keys. */
    private static Map<ConfigKey, Located> readYaml(Path file) {
        Map<ConfigKey, Located> out = new LinkedHashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return out;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new ConvoyException(ErrorCode.MIG020, file + ":" + line(p.currentTokenLocation())
                        + ": convoy.yaml must be a mapping of keys to values");
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

    private static void readMapping(JsonParser p, String prefix, Path file, Map<ConfigKey, Located> out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
            int line = line(p.currentTokenLocation());
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT) {
                if (ConfigKey.byName(name).isPresent()) {
                    throw new ConvoyException(ErrorCode.MIG020, "key " + name + " in " + file + ":" + line
                            + " takes a single value, not a mapping");
                }
                readMapping(p, name, file, out);
                continue;
            }
            ConfigKey key = ConfigKey.byName(name).orElseThrow(() -> unknown(name, file, line));
            if (value == JsonToken.START_ARRAY) {
                throw new ConvoyException(ErrorCode.MIG020, "key " + name + " in " + file + ":" + line
                        + " takes a single value, not a list");
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

    private static ConvoyException unknown(String name, Path file, int line) {
        String closest = ConvoyConfig.keyNames().stream()
                .min(Comparator.comparingInt(k -> distance(k, name)))
                .filter(k -> distance(k, name) <= 3)
                .map(k -> " (did you mean " + k + "?)")
                .orElse("");
        return new ConvoyException(ErrorCode.MIG020, "unknown key '" + name + "' in " + file + ":" + line + closest
                + "; known keys: " + String.join(", ", ConvoyConfig.keyNames()));
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
