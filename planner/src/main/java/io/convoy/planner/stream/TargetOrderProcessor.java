package io.convoy.planner.stream;

import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.ledger.TargetTrack;
import io.convoy.planner.plan.PlanOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Plans each order for its target (or parks it until the target's first state) and, on a wall-clock schedule,
 * rejects the orders that waited longer than the configured time.
 */
final class TargetOrderProcessor extends TargetSideProcessor<String, PlanOrder> {
    private final Duration checkInterval;

    TargetOrderProcessor(TargetLedger ledger, Duration checkInterval) {
        super(ledger);
        this.checkInterval = checkInterval;
    }

    @Override
    public void init(ProcessorContext<String, Emit> context) {
        super.init(context);
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::expireWaits);
    }

    @Override
    public void process(Record<String, PlanOrder> record) {
        PlanOrder order = record.value();
        if (order == null) {
            return;
        }
        TargetTrack before = load(order.targetId());
        apply(before, ledger.onOrder(before, order, context.currentSystemTimeMs()), record.timestamp());
    }

    private void expireWaits(long now) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = waits().all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> e = all.next();
                if (e.value != null && e.value <= now) {
                    due.add(e.key);
                }
            }
        }
        for (String targetId : due) {
            TargetTrack before = load(targetId);
            apply(before, ledger.onTick(before, now), now);
        }
    }
}
