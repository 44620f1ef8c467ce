package io.convoy.monitor.alert;

import io.convoy.schemas.avro.AlertScopeType;
import java.util.Map;
import java.util.Objects;

/**
 * One measured value of one condition.
 *
 * @param scopeType what it is about
 * @param scopeId   the cluster id, {@code <cluster>/<standby>}, the target id, or {@code all}
 * @param clusterId the cluster it was measured on (null when none, e.g. a step duration)
 * @param subject   for messages: "standby replica-a on cluster eu-1"
 * @param value     in seconds
 * @param details   context for the alert (pids, queries, lag bytes...)
 */
public record Observation(AlertScopeType scopeType, String scopeId, String clusterId, String subject, double value,
                          Map<String, String> details) {
    public Observation {
        Objects.requireNonNull(scopeType, "scopeType");
        Objects.requireNonNull(scopeId, "scopeId");
        Objects.requireNonNull(subject, "subject");
        details = Map.copyOf(details);
    }

    /** The scope as one string, also the alert's record key. */
    public String scopeKey() {
        return scopeKey(scopeType, scopeId);
    }

    /** {@code cluster:<id>}, {@code standby:<cluster>/<name>}, {@code target:<id>} or {@code all}. */
    public static String scopeKey(AlertScopeType type, String id) {
        return switch (type) {
            case CLUSTER -> "cluster:" + id;
            case STANDBY -> "standby:" + id;
            case TARGET -> "target:" + id;
            case FLEET -> "all";
        };
    }
}
