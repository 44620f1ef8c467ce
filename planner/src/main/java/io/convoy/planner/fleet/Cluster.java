package io.convoy.planner.fleet;

import java.util.List;
import java.util.Objects;

/**
 * A PostgreSQL cluster of the fleet: a primary and the standbys expected to replicate from it.
 *
 * @param id       cluster id, unique in the fleet file
 * @param standbys application names of the standbys expected to replicate (the monitor compares them with
 *                 {@code pg_stat_replication}); empty when none are expected
 */
public record Cluster(String id, List<String> standbys) {
    public Cluster {
        Objects.requireNonNull(id, "id");
        standbys = List.copyOf(standbys);
    }
}
