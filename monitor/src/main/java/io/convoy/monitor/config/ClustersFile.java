package io.convoy.monitor.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.monitor.config.ClusterSpec.StandbySpec;
import io.convoy.schemas.control.ControlScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code clusters.yaml}, the monitor's own list of clusters with the connection details of their primaries
 * (the planner's fleet file deliberately holds no connection details):
 *
 * <pre>
 * clusters:
 *   - id: eu-1                                   # as in the fleet file and in control scopes (cluster:eu-1)
 *     primary: jdbc:postgresql://10.0.0.5:5432/postgres
 *     user: convoy_monitor                       # needs pg_monitor (pg_stat_replication, pg_stat_activity)
 *     password_env: CONVOY_EU1_PASSWORD          # or password_file: secrets/eu-1 (relative to this file)
 *     standbys:
 *       - name: eu-1-replica-a                   # application_name in pg_stat_replication
 *         slot: eu_1_replica_a                   # optional: its physical slot must exist and be active
 *       - eu-1-replica-b                         # just the name
 * </pre>
 *
 * Passwords are never written in the file itself. Errors are MIG020 with the file and line.
 */
public final class ClustersFile {
    private static final Set<String> CLUSTER_KEYS = Set.of("id", "primary", "user", "password_env", "password_file", "standbys");
    private static final Set<String> STANDBY_KEYS = Set.of("name", "slot");
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    private ClustersFile() {}

    public static List<ClusterSpec> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConvoyException(ErrorCode.MIG020, "clusters file " + file + " does not exist (clusters_file)");
        }
        List<ClusterSpec> clusters = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw error(file, line(p.currentTokenLocation()), "expected a mapping with the key clusters");
            }
            boolean seen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int nameLine = line(p.currentTokenLocation());
                if (!name.equals("clusters")) {
                    throw error(file, nameLine, "unknown key '" + name + "' (the file holds one key, clusters)");
                }
                seen = true;
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw error(file, nameLine, "clusters must be a list");
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    int line = line(p.currentTokenLocation());
                    JsonNode node = p.readValueAsTree();
                    ClusterSpec cluster = cluster(file, line, node);
                    if (!ids.add(cluster.id())) {
                        throw error(file, line, "cluster id '" + cluster.id() + "' appears twice");
                    }
                    clusters.add(cluster);
                }
            }
            if (!seen) {
                throw error(file, 1, "no clusters key");
            }
        } catch (JsonProcessingException e) {
            throw error(file, line(e.getLocation()), "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (clusters.isEmpty()) {
            throw error(file, 1, "no clusters: the monitor needs at least one cluster to watch");
        }
        return List.copyOf(clusters);
    }

    private static ClusterSpec cluster(Path file, int line, JsonNode node) {
        if (!node.isObject()) {
            throw error(file, line, "a cluster must be a mapping with id, primary and standbys");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals("password")) {
                throw error(file, line, "passwords are not written in the clusters file: use password_env or password_file");
            }
            if (!CLUSTER_KEYS.contains(name)) {
                throw error(file, line, "unknown key '" + name + "' in a cluster; known keys: " + String.join(", ", sorted(CLUSTER_KEYS)));
            }
        }
        String id = text(file, line, node, "id", true).orElseThrow();
        try {
            ControlScope.cluster(id);
        } catch (IllegalArgumentException e) {
            throw error(file, line, "cluster id '" + id + "': " + e.getMessage());
        }
        String where = "cluster " + id;
        String primary = text(file, line, node, "primary", true).orElseThrow();
        if (!primary.startsWith("jdbc:postgresql:")) {
            throw error(file, line, where + ": primary must be a JDBC URL starting with jdbc:postgresql:");
        }
        Optional<String> user = text(file, line, node, "user", false);
        Optional<String> passwordEnv = text(file, line, node, "password_env", false);
        Optional<Path> passwordFile = text(file, line, node, "password_file", false)
                .map(f -> file.toAbsolutePath().getParent().resolve(f).normalize());
        if (passwordEnv.isPresent() && passwordFile.isPresent()) {
            throw error(file, line, where + ": give password_env or password_file, not both");
        }
        List<StandbySpec> standbys = new ArrayList<>();
        JsonNode list = node.get("standbys");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw error(file, line, where + ": standbys must be a list");
            }
            Set<String> names = new HashSet<>();
            for (JsonNode s : list) {
                StandbySpec standby;
                if (s.isTextual()) {
                    standby = new StandbySpec(nonBlank(file, line, where + ": standby name", s.asText()), Optional.empty());
                } else if (s.isObject()) {
                    for (Iterator<String> keys = s.fieldNames(); keys.hasNext(); ) {
                        String k = keys.next();
                        if (!STANDBY_KEYS.contains(k)) {
                            throw error(file, line, where + ": unknown key '" + k + "' in a standby; known keys: name, slot");
                        }
                    }
                    standby = new StandbySpec(text(file, line, s, "name", true).orElseThrow(), text(file, line, s, "slot", false));
                } else {
                    throw error(file, line, where + ": a standby is a name or a mapping with name and slot");
                }
                if (!names.add(standby.name())) {
                    throw error(file, line, where + ": standby '" + standby.name() + "' appears twice");
                }
                standbys.add(standby);
            }
        }
        return new ClusterSpec(id, primary, user, passwordEnv, passwordFile, standbys, line);
    }

    private static Optional<String> text(Path file, int line, JsonNode node, String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                String id = node.hasNonNull("id") ? "cluster " + node.get("id").asText() + ": " : "";
                throw error(file, line, id + key + " is missing");
            }
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            throw error(file, line, key + " must be a single value");
        }
        return Optional.of(nonBlank(file, line, key, v.asText()));
    }

    private static String nonBlank(Path file, int line, String what, String value) {
        if (value.isBlank()) {
            throw error(file, line, what + " is empty");
        }
        return value.strip();
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    private static ConvoyException error(Path file, int line, String message) {
        return new ConvoyException(ErrorCode.MIG020, file + ":" + line + ": " + message);
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }
}
