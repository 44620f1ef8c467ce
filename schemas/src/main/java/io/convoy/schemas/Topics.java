package io.convoy.schemas;

import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.avro.TargetState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every topic of the pipeline, with its key and value types. Topic names and serdes exist only here.
 *
 * <p>Topics keyed by target id ({@link #COMMANDS}, {@link #STEP_EVENTS}, {@link #TARGET_STATE}) have the same
 * partition count so that they are co-partitioned (a target's command, its step events and its state meet on
 * the same partition number, as Kafka Streams joins require). Replication defaults to the cluster's
 * {@code default.replication.factor}; durability settings such as {@code min.insync.replicas} are the
 * cluster's too.
 */
public final class Topics {
    /** Partition count of every topic keyed by target id: co-partitioned, and the executors' parallelism bound. */
    public static final int TARGET_PARTITIONS = 12;
    /** Partition count of the topics keyed by request id. */
    public static final int REQUEST_PARTITIONS = 3;

    private static final String WEEK = Long.toString(Duration.ofDays(7).toMillis());
    private static final String MONTH = Long.toString(Duration.ofDays(30).toMillis());

    /** Migration requests from deploy tooling. Key: request id. */
    public static final Topic<String, MigrationRequest> REQUESTS = Topic.avro("convoy.requests", MigrationRequest.class,
            REQUEST_PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, WEEK));

    /** One command per step per target, from the planner to the executors. Key: target id (keeps a target's steps in order). */
    public static final Topic<String, MigrationCommand> COMMANDS = Topic.avro("convoy.commands", MigrationCommand.class,
            TARGET_PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, WEEK));

    /** Every state change of a step, from the executors. Key: target id. */
    public static final Topic<String, StepEvent> STEP_EVENTS = Topic.avro("convoy.step-events", StepEvent.class,
            TARGET_PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, MONTH));

    /** The planner's answers to requests and the outcome of plans. Key: request id. */
    public static final Topic<String, PlanEvent> PLAN_EVENTS = Topic.avro("convoy.plan-events", PlanEvent.class,
            REQUEST_PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, MONTH));

    /** Latest known state of each target, derived from step events. Key: target id. Compacted. */
    public static final Topic<String, TargetState> TARGET_STATE = Topic.avro("convoy.target-state", TargetState.class,
            TARGET_PARTITIONS, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

    /**
     * Records that could not be processed, kept verbatim. Key: {@link #deadLetterKey} of the failed record
     * (its coordinates: the failed record's own key may not even be readable).
     */
    public static final Topic<String, DeadLetter> DLQ = Topic.avro("convoy.dlq", DeadLetter.class,
            REQUEST_PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, MONTH));

    /**
     * The monitor's alerts (replication lag, lock waits, step durations): one record per state change.
     * Key: the alert's scope key ({@code cluster:<id>}, {@code standby:<cluster>/<name>}, {@code target:<id>},
     * {@code all}), so that the changes of one scope stay ordered.
     */
    public static final Topic<String, Alert> ALERTS = Topic.avro("convoy.alerts", Alert.class,
            REQUEST_PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, MONTH));

    /**
     * Halt, resume and panic orders to the executors. Key: scope ({@code all}, {@code cluster:<id>},
     * {@code target:<id>}; see {@link io.convoy.schemas.control.ControlScope}). Compacted, so that the latest order
     * per scope survives, and one partition, so that every reader sees the orders in one order.
     */
    public static final Topic<String, ControlRecord> CONTROL = Topic.avro("convoy.control", ControlRecord.class,
            1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

    private static final List<Topic<String, ?>> ALL = List.of(REQUESTS, COMMANDS, STEP_EVENTS, PLAN_EVENTS, TARGET_STATE, DLQ,
            ALERTS, CONTROL);

    private Topics() {}

    /** Every topic, in pipeline order. */
    public static List<Topic<String, ?>> all() {
        return ALL;
    }

    /** Key of a dead letter: the coordinates of the failed record, {@code <topic>/<partition>/<offset>}. */
    public static String deadLetterKey(String sourceTopic, int partition, long offset) {
        return sourceTopic + "/" + partition + "/" + offset;
    }
}
