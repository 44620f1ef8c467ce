package io.convoy.monitor.alert;

/** What the monitor alerts on: the code and metric of the alerts, and whether a CRITICAL halts the cluster. */
public enum AlertKind {
    /** Replication lag of a standby, in seconds (robust when idle). */
    REPLICATION_LAG("MIG002", "replication_lag_seconds", "replication lag", true),
    /** An expected standby absent from pg_stat_replication, or its slot inactive: seconds since it was last seen. */
    STANDBY_MISSING("MIG002", "standby_missing_seconds", "missing standby", true),
    /** The longest current lock wait involving a target's migration (waiting on it, or waited on by it). */
    LOCK_WAIT("MIG003", "lock_wait_seconds", "lock wait", true),
    /** How long a step has been running (STARTED without APPLIED, FAILED or SKIPPED). */
    STEP_DURATION("DURATION", "step_duration_seconds", "migration step duration", false);

    private final String code;
    private final String metric;
    private final String label;
    private final boolean haltsCluster;

    AlertKind(String code, String metric, String label, boolean haltsCluster) {
        this.code = code;
        this.metric = metric;
        this.label = label;
        this.haltsCluster = haltsCluster;
    }

    /** The alert's code: MIG002, MIG003 or DURATION. */
    public String code() { return code; }

    public String metric() { return metric; }

    /** For messages: "replication lag". */
    public String label() { return label; }

    /** True when a CRITICAL of this kind halts the cluster it was measured on. */
    public boolean haltsCluster() { return haltsCluster; }
}
