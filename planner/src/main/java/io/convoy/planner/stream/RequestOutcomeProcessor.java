package io.convoy.planner.stream;

import io.convoy.planner.ledger.PlanNotice;
import io.convoy.planner.ledger.RequestLedger;
import io.convoy.planner.ledger.RequestTrack;
import io.convoy.planner.ledger.TargetOutcome;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the targets' outcomes of a request (from the per-target side, re-keyed by request id so that they meet
 * the request's track on this task) and publishes the per-target and request-level plan events.
 */
final class RequestOutcomeProcessor implements Processor<String, TargetOutcome, String, Emit> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestOutcomeProcessor.class);

    private final RequestLedger ledger;
    private ProcessorContext<String, Emit> context;
    private KeyValueStore<String, RequestTrack> store;

    RequestOutcomeProcessor(RequestLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void init(ProcessorContext<String, Emit> context) {
        this.context = context;
        this.store = context.getStateStore(PlannerTopology.REQUESTS_STORE);
    }

    @Override
    public void process(Record<String, TargetOutcome> record) {
        TargetOutcome outcome = record.value();
        if (outcome == null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        RequestTrack track = store.get(outcome.requestId());
        if (track == null) {
            LOG.warn("outcome for target {} of unknown request {} ignored (forgotten after its retention?)",
                    outcome.targetId(), outcome.requestId());
            return;
        }
        RequestLedger.Result result = ledger.onOutcome(track, outcome, now);
        result.track().filter(t -> !t.equals(track)).ifPresent(t -> store.put(t.requestId(), t));
        Instant at = Instant.ofEpochMilli(now);
        for (PlanNotice n : result.notices()) {
            LOG.info("request {}{}: {}{}", n.requestId(), n.targetId().map(t -> " target " + t).orElse(""), n.status(),
                    n.reason().map(r -> " " + r).orElse(""));
            context.forward(new Record<>(n.requestId(), new Emit.Event(AvroCodec.planEvent(n, at)), record.timestamp()));
        }
    }
}
