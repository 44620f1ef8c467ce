package io.convoy.planner.fleet;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fleet: clusters and targets, as read from a fleet file ({@link FleetFile}). Immutable.
 *
 * @param source   the file it was read from, for messages
 * @param clusters clusters by id, in file order
 * @param targets  targets by id, in file order
 */
public record Fleet(Path source, Map<String, Cluster> clusters, Map<String, Target> targets) {
    public Fleet {
        Objects.requireNonNull(source, "source");
        clusters = Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        for (Target t : targets.values()) {
            if (!clusters.containsKey(t.cluster())) {
                throw new IllegalArgumentException("target " + t.id() + " names unknown cluster " + t.cluster());
            }
        }
    }

    /** A fleet built in code (tests, embedding programs). */
    public static Fleet of(Path source, Collection<Cluster> clusters, Collection<Target> targets) {
        Map<String, Cluster> cs = new LinkedHashMap<>();
        clusters.forEach(c -> cs.put(c.id(), c));
        Map<String, Target> ts = new LinkedHashMap<>();
        targets.forEach(t -> ts.put(t.id(), t));
        return new Fleet(source, cs, ts);
    }

    public Optional<Target> target(String id) {
        return Optional.ofNullable(targets.get(id));
    }

    /**
     * The targets a request names: the union of {@code ids} and of the targets matching {@code selector} (when the
     * selector is not empty), sorted by id.
     */
    public Selection select(Collection<String> ids, Map<String, String> selector) {
        TreeSet<String> unknown = new TreeSet<>();
        TreeMap<String, Target> chosen = new TreeMap<>();
        for (String id : ids) {
            Target t = targets.get(id);
            if (t == null) {
                unknown.add(id);
            } else {
                chosen.put(id, t);
            }
        }
        int matched = 0;
        if (!selector.isEmpty()) {
            for (Target t : targets.values()) {
                if (t.matches(selector)) {
                    chosen.put(t.id(), t);
                    matched++;
                }
            }
        }
        return new Selection(List.copyOf(chosen.values()), List.copyOf(unknown), matched);
    }

    /**
     * What {@link #select} found.
     *
     * @param targets         the chosen targets, sorted by id
     * @param unknownIds      ids named explicitly that the fleet does not hold, sorted
     * @param selectorMatches how many targets the selector matched (0 when the selector was empty)
     */
    public record Selection(List<Target> targets, List<String> unknownIds, int selectorMatches) {
        public Selection {
            targets = List.copyOf(targets);
            unknownIds = List.copyOf(unknownIds);
        }
    }
}
