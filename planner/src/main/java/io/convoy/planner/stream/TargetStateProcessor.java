package io.convoy.planner.stream;

import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.ledger.TargetTrack;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.TargetState;
import io.convoy.schemas.serde.AvroSerde;
import io.convoy.schemas.serde.SerdeConfig;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps each target's reported heads from convoy.target-state, and plans the orders that waited for them. */
final class TargetStateProcessor extends TargetSideProcessor<byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(TargetStateProcessor.class);

    private final AvroSerde<TargetState> serde;

    TargetStateProcessor(TargetLedger ledger, SerdeConfig serdes) {
        super(ledger);
        this.serde = AvroSerde.forValue(TargetState.class, serdes);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            // A tombstone on the compacted topic: the executor forgot the target; what the planner knows stands.
            LOG.debug("tombstone on {} at {} ignored", Topics.TARGET_STATE.name(), EdgeSupport.coordinates(context));
            return;
        }
        TargetState state = decode(record, serde, Topics.TARGET_STATE.name(), TargetState::getTargetId);
        if (state == null) {
            return;
        }
        TargetTrack before = load(state.getTargetId());
        apply(before, ledger.onState(before, AvroCodec.state(state), context.currentSystemTimeMs()), record.timestamp());
    }
}
