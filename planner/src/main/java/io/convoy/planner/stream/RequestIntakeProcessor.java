package io.convoy.planner.stream;

import io.convoy.core.error.ErrorCode;
import io.convoy.planner.ledger.PlanNotice;
import io.convoy.planner.ledger.RequestLedger;
import io.convoy.planner.ledger.RequestTrack;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.planner.plan.PlanRequest;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.serde.AvroSerde;
import io.convoy.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads convoy.requests as raw bytes (keyed by request id) and hands each decoded request to the
 * {@link RequestLedger}. Bytes that are not a MigrationRequest go to the dead-letter topic with the reason, and,
 * when the key (the request id) is readable, a REJECTED plan event answers the requester; processing goes on.
 * A record whose key is not its request id is rejected: duplicates are detected per key, so the key must be the id.
 * Finished requests are forgotten after the retention period.
 */
final class RequestIntakeProcessor implements Processor<byte[], byte[], String, Emit> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestIntakeProcessor.class);

    private final RequestLedger ledger;
    private final AvroSerde<MigrationRequest> serde;
    private final Duration retention;
    private final Duration purgeInterval;
    private ProcessorContext<String, Emit> context;
    private KeyValueStore<String, RequestTrack> store;

    RequestIntakeProcessor(RequestLedger ledger, SerdeConfig serdes, Duration retention, Duration purgeInterval) {
        this.ledger = ledger;
        this.serde = AvroSerde.forValue(MigrationRequest.class, serdes);
        this.retention = retention;
        this.purgeInterval = purgeInterval;
    }

    @Override
    public void init(ProcessorContext<String, Emit> context) {
        this.context = context;
        this.store = context.getStateStore(PlannerTopology.REQUESTS_STORE);
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long now = context.currentSystemTimeMs();
        String key = EdgeSupport.keyText(record.key());
        MigrationRequest avro;
        try {
            if (record.value() == null) {
                throw new SerializationException("the record has no value (a tombstone); a request is a MigrationRequest");
            }
            avro = serde.deserialize(Topics.REQUESTS.name(), record.value());
        } catch (SerializationException e) {
            malformed(record, key, "cannot decode the request: " + e.getMessage(), now);
            return;
        }
        PlanRequest request = AvroCodec.request(avro);
        String id = request.requestId();
        if (id.isEmpty()) {
            malformed(record, key, "the request has an empty request_id", now);
            return;
        }
        if (!id.equals(key)) {
            // Not stored: the record sits on the partition of its key, not of its id.
            LOG.warn("request {} at {} rejected: its record key is {}", id, EdgeSupport.coordinates(context),
                    key == null ? "missing" : "'" + key + "'");
            emit(ledger.rejectWhole(id, ErrorCode.MIG020, "the record key " + (key == null ? "is missing" : "'" + key
                    + "' differs from request_id '" + id + "'") + ": the key of a request must be its request_id,"
                    + " which is how duplicates are recognised", now), record.timestamp());
            return;
        }
        RequestLedger.Result result = ledger.onRequest(store.get(id), request, now);
        if (result.duplicate()) {
            LOG.info("request {} at {} ignored: a request with this id was already received", id,
                    EdgeSupport.coordinates(context));
            return;
        }
        result.track().ifPresent(t -> store.put(id, t));
        LOG.info("request {} from {}: {} {} for {} target(s){}", id, request.requestedBy(),
                request.direction().verb(), request.targetRevision(), result.orders().size(),
                result.notices().isEmpty() ? "" : " -> " + result.notices().get(0).status() + " "
                        + result.notices().get(0).reason().orElse(""));
        emit(result, record.timestamp());
    }

    private void malformed(Record<byte[], byte[]> record, String key, String reason, long now) {
        LOG.warn("request record at {} set aside on {}: {}", EdgeSupport.coordinates(context), Topics.DLQ.name(), reason);
        context.forward(EdgeSupport.deadLetter(context, record, reason, ErrorCode.MIG020.name()));
        if (key != null && !key.isBlank() && store.get(key) == null) {
            // Answer the requester; not remembered, so a corrected request may reuse the id.
            String why = "malformed request: " + reason + " (the record is kept on " + Topics.DLQ.name() + " as "
                    + EdgeSupport.coordinates(context) + ")";
            RequestLedger.Result result = ledger.rejectWhole(key, ErrorCode.MIG020, why, now);
            emit(new RequestLedger.Result(Optional.empty(), result.notices(), List.of(), false), record.timestamp());
        }
    }

    private void emit(RequestLedger.Result result, long timestamp) {
        Instant at = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (PlanNotice n : result.notices()) {
            context.forward(new Record<>(n.requestId(), new Emit.Event(AvroCodec.planEvent(n, at)), timestamp));
        }
        for (PlanOrder o : result.orders()) {
            context.forward(new Record<>(o.targetId(), new Emit.Order(o), timestamp));
        }
    }

    private void purge(long now) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, RequestTrack> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, RequestTrack> e = all.next();
                if (e.value != null && e.value.expired(now, retention.toMillis())) {
                    expired.add(e.key);
                }
            }
        }
        expired.forEach(store::delete);
        if (!expired.isEmpty()) {
            LOG.info("forgot {} request(s) finished more than {} ago", expired.size(), retention);
        }
    }
}
