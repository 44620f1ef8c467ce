package io.convoy.planner.stream;

import io.convoy.core.error.ErrorCode;
import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.ledger.TargetOutcome;
import io.convoy.planner.ledger.TargetTrack;
import io.convoy.planner.plan.TargetCommand;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the processors of the per-target side. They read the three inputs keyed by target id (orders from the
 * request side, convoy.target-state and convoy.step-events, all with the same partition count) and share the
 * per-target stores of their task, so that everything about one target meets in one place.
 */
abstract class TargetSideProcessor<K, V> implements Processor<K, V, String, Emit> {
    private static final Logger LOG = LoggerFactory.getLogger(TargetSideProcessor.class);

    protected final TargetLedger ledger;
    protected ProcessorContext<String, Emit> context;
    private KeyValueStore<String, TargetTrack> targets;
    private KeyValueStore<String, Long> waits;

    TargetSideProcessor(TargetLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void init(ProcessorContext<String, Emit> context) {
        this.context = context;
        this.targets = context.getStateStore(PlannerTopology.TARGETS_STORE);
        this.waits = context.getStateStore(PlannerTopology.WAITS_STORE);
    }

    protected TargetTrack load(String targetId) {
        TargetTrack t = targets.get(targetId);
        return t == null ? TargetTrack.unknown(targetId) : t;
    }

    protected KeyValueStore<String, Long> waits() {
        return waits;
    }

    /** Stores the new track (and its earliest wait deadline) and forwards its commands and outcomes. */
    protected void apply(TargetTrack before, TargetLedger.Result result, long timestamp) {
        TargetTrack track = result.track();
        if (!track.equals(before)) {
            targets.put(track.targetId(), track);
        }
        Long deadline = track.earliestDeadline().orElse(null);
        if (!Objects.equals(deadline, before.earliestDeadline().orElse(null))) {
            if (deadline == null) {
                waits.delete(track.targetId());
            } else {
                waits.put(track.targetId(), deadline);
            }
        }
        for (TargetCommand c : result.commands()) {
            context.forward(new Record<>(c.targetId(), new Emit.Command(AvroCodec.command(c)), timestamp));
        }
        if (!result.commands().isEmpty()) {
            TargetCommand first = result.commands().get(0);
            LOG.info("target {}: plan {} of request {}: {} command(s), first expects heads {}", first.targetId(),
                    first.planId(), first.requestId(), result.commands().size(), first.expectedFromHeads());
        }
        for (TargetOutcome o : result.outcomes()) {
            context.forward(new Record<>(o.requestId(), new Emit.Outcome(o), timestamp));
        }
    }

    /**
     * Decodes a record of one of the executors' topics; on failure sets it aside on the dead-letter topic and
     * returns null. A record whose key is not the target id inside it is set aside too: it would sit on another
     * target's partition.
     */
    protected <T> T decode(Record<byte[], byte[]> record, Deserializer<T> deserializer, String topic,
                           Function<T, String> targetIdOf) {
        T value;
        try {
            value = deserializer.deserialize(topic, record.value());
        } catch (SerializationException e) {
            setAside(record, "cannot decode: " + e.getMessage());
            return null;
        }
        String key = EdgeSupport.keyText(record.key());
        String id = targetIdOf.apply(value);
        if (!id.equals(key)) {
            setAside(record, "the record key " + (key == null ? "is missing" : "'" + key + "'") + " is not its target_id '"
                    + id + "': records of " + topic + " must be keyed by target id");
            return null;
        }
        return value;
    }

    private void setAside(Record<byte[], byte[]> record, String reason) {
        LOG.warn("record at {} set aside on the dead-letter topic: {}", EdgeSupport.coordinates(context), reason);
        context.forward(EdgeSupport.deadLetter(context, record, reason, ErrorCode.MIG020.name()));
    }
}
