package io.convoy.planner.fleet;

import java.util.Map;
import java.util.Objects;

/**
 * A database the planner plans for.
 *
 * @param id      target id, unique in the fleet; the key of its commands, step events and state
 * @param cluster id of the cluster it lives on
 * @param labels  free labels such as {@code env=prod}, {@code tenant=acme}, matched by request selectors
 */
public record Target(String id, String cluster, Map<String, String> labels) {
    public Target {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cluster, "cluster");
        labels = Map.copyOf(labels);
    }

    /** True when the target carries every {@code label=value} pair of the selector (an empty selector matches all). */
    public boolean matches(Map<String, String> selector) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
