package io.convoy.planner.fleet;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a fleet file. Format (YAML; no credentials, which only executors hold):
 * <pre>
 * clusters:
 *   - id: pg-eu-1
 *     standbys: [pg-eu-1-b]          # application names the monitor expects to replicate
 * targets:
 *   - id: billing-eu
 *     cluster: pg-eu-1
 *     labels: {env: prod, tenant: acme}
 * </pre>
 * Every problem is reported, each with the file, line and entry: unknown keys, missing or malformed ids,
 * duplicate ids, a target on an unknown cluster, blank labels or standbys. Ids are 1 to 128 letters, digits,
 * {@code .}, {@code _} or {@code -}, starting with a letter or digit.
 */
public final class FleetFile {
    /** What an id looks like (cluster and target ids). */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record ClusterEntry(String id, List<String> standbys) {}

    record TargetEntry(String id, String cluster, Map<String, String> labels) {}

    private record At<T>(T entry, int line, int index) {}

    private FleetFile() {}

    /** Reads and validates {@code file}; MIG020 listing every problem found. */
    public static Fleet load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConvoyException(ErrorCode.MIG020, "fleet file " + file
                    + (Files.exists(file) ? " is not a regular file" : " does not exist"));
        }
        List<At<ClusterEntry>> clusters = new ArrayList<>();
        List<At<TargetEntry>> targets = new ArrayList<>();
        try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ConvoyException(ErrorCode.MIG020, "fleet file " + file + " is empty: it needs clusters: and targets:");
            }
            if (t != JsonToken.START_OBJECT) {
                throw new ConvoyException(ErrorCode.MIG020, where(file, p.currentTokenLocation())
                        + ": a fleet file is a mapping with the keys clusters and targets");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = line(p.currentTokenLocation());
                JsonToken value = p.nextToken();
                switch (key) {
                    case "clusters" -> readList(p, value, file, line, key, ClusterEntry.class, clusters);
                    case "targets" -> readList(p, value, file, line, key, TargetEntry.class, targets);
                    default -> throw new ConvoyException(ErrorCode.MIG020, file + ":" + line + ": unknown key '" + key
                            + "' (a fleet file has clusters and targets)");
                }
            }
        } catch (JsonProcessingException e) {
            throw new ConvoyException(ErrorCode.MIG020, where(file, e.getLocation()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot read fleet file " + file + ": " + e.getMessage(), e);
        }
        return validate(file, clusters, targets);
    }

    private static <T> void readList(JsonParser p, JsonToken value, Path file, int line, String key, Class<T> type,
                                     List<At<T>> out) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new ConvoyException(ErrorCode.MIG020, file + ":" + line + ": " + key + " must be a list");
        }
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int entryLine = line(p.currentTokenLocation());
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new ConvoyException(ErrorCode.MIG020, file + ":" + entryLine + ": " + key + "[" + index
                        + "] must be a mapping");
            }
            try {
                out.add(new At<>(MAPPER.readValue(p, type), entryLine, index));
            } catch (UnrecognizedPropertyException e) {
                throw new ConvoyException(ErrorCode.MIG020, file + ":" + entryLine + ": " + key + "[" + index
                        + "]: unknown key '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")");
            }
            index++;
        }
    }

    private static Fleet validate(Path file, List<At<ClusterEntry>> clusterEntries, List<At<TargetEntry>> targetEntries) {
        List<String> problems = new ArrayList<>();
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        Map<String, Integer> clusterLines = new HashMap<>();
        for (At<ClusterEntry> at : clusterEntries) {
            ClusterEntry c = at.entry();
            String name = file + ":" + at.line() + ": clusters[" + at.index() + "]";
            if (!checkId(c.id(), name, problems)) {
                continue;
            }
            name += " (" + c.id() + ")";
            List<String> standbys = c.standbys() == null ? List.of() : c.standbys();
            if (standbys.stream().anyMatch(s -> s == null || s.isBlank())) {
                problems.add(name + ": standbys holds a blank name");
            } else if (standbys.stream().distinct().count() != standbys.size()) {
                problems.add(name + ": standbys names a standby twice: " + standbys);
            }
            if (clusters.containsKey(c.id())) {
                problems.add(name + ": duplicate cluster id '" + c.id() + "' (first declared on line "
                        + clusterLines.get(c.id()) + ")");
                continue;
            }
            clusters.put(c.id(), new Cluster(c.id(), standbys.stream().filter(s -> s != null).toList()));
            clusterLines.put(c.id(), at.line());
        }
        Map<String, Target> targets = new LinkedHashMap<>();
        Map<String, Integer> targetLines = new HashMap<>();
        for (At<TargetEntry> at : targetEntries) {
            TargetEntry t = at.entry();
            String name = file + ":" + at.line() + ": targets[" + at.index() + "]";
            if (!checkId(t.id(), name, problems)) {
                continue;
            }
            name += " (" + t.id() + ")";
            boolean ok = true;
            if (t.cluster() == null || t.cluster().isBlank()) {
                problems.add(name + ": cluster is missing");
                ok = false;
            } else if (!clusters.containsKey(t.cluster())) {
                problems.add(name + ": unknown cluster '" + t.cluster() + "' (declared clusters: "
                        + (clusters.isEmpty() ? "none" : String.join(", ", clusters.keySet())) + ")");
                ok = false;
            }
            Map<String, String> labels = t.labels() == null ? Map.of() : t.labels();
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (label.getKey() == null || label.getKey().isBlank()) {
                    problems.add(name + ": a label has a blank name");
                    ok = false;
                } else if (label.getValue() == null || label.getValue().isBlank()) {
                    problems.add(name + ": label '" + label.getKey() + "' has no value");
                    ok = false;
                }
            }
            if (targets.containsKey(t.id())) {
                problems.add(name + ": duplicate target id '" + t.id() + "' (first declared on line "
                        + targetLines.get(t.id()) + ")");
                continue;
            }
            if (ok) {
                targets.put(t.id(), new Target(t.id(), t.cluster(), labels));
                targetLines.put(t.id(), at.line());
            }
        }
        if (problems.size() == 1) {
            throw new ConvoyException(ErrorCode.MIG020, "invalid fleet file: " + problems.get(0));
        }
        if (!problems.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG020, "invalid fleet file, " + problems.size() + " problems:\n"
                    + String.join("\n", problems));
        }
        return new Fleet(file, clusters, targets);
    }

    private static boolean checkId(String id, String name, List<String> problems) {
        if (id == null || id.isBlank()) {
            problems.add(name + ": id is missing");
            return false;
        }
        if (!ID.matcher(id).matches()) {
            problems.add(name + ": id '" + id + "' is not valid: use 1 to 128 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
            return false;
        }
        return true;
    }

    private static String where(Path file, JsonLocation location) {
        return location == null ? file.toString() : file + ":" + location.getLineNr();
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }
}
