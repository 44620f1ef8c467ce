package io.convoy.planner.stream;

import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.ledger.TargetTrack;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.schemas.serde.AvroSerde;
import io.convoy.schemas.serde.SerdeConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Record;

/** Follows convoy.step-events: the target's reported heads, and the completion or failure of its plans. */
final class TargetStepProcessor extends TargetSideProcessor<byte[], byte[]> {
    private final AvroSerde<StepEvent> serde;

    TargetStepProcessor(TargetLedger ledger, SerdeConfig serdes) {
        super(ledger);
        this.serde = AvroSerde.forValue(StepEvent.class, serdes);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        StepEvent event = decode(record, (topic, bytes) -> {
            if (bytes == null) {
                throw new SerializationException("the record has no value (a tombstone); a step event is a StepEvent");
            }
            return serde.deserialize(topic, bytes);
        }, Topics.STEP_EVENTS.name(), StepEvent::getTargetId);
        if (event == null) {
            return;
        }
        TargetTrack before = load(event.getTargetId());
        apply(before, ledger.onStep(before, AvroCodec.step(event), context.currentSystemTimeMs()), record.timestamp());
    }
}
