package io.convoy.executor;

import io.convoy.executor.command.Command;
import io.convoy.executor.command.CommandDecoder;
import io.convoy.executor.command.Decoded;
import io.convoy.executor.kafka.AvroMapping;
import io.convoy.executor.kafka.Publisher;
import io.convoy.executor.step.StepProcessor;
import io.convoy.executor.step.TargetStates;
import io.convoy.schemas.registry.SchemaRegistryException;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one record of convoy.commands on a worker thread (thread-safe; one target's records one at a time): decode (or dead-letter), carry out, publish the
 * outcome and the target state, and wait for the acknowledgements. Only when it returns {@link Handled#DONE}
 * may the record's offset be committed.
 */
final class CommandHandler {
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);
    private static final int MAX_LOGGED_REASON = 400;

    enum Handled {
        /** Outcome published and acknowledged: commit. */
        DONE,
        /** The registry did not answer: try this record again later (do not commit, do not go on in its partition). */
        RETRY_LATER,
        /** The step was interrupted (shutdown): do not commit, stop the batch. */
        INTERRUPTED
    }

    private final CommandDecoder decoder;
    private final StepProcessor processor;
    private final Publisher publisher;
    private final TargetStates states;
    private final Clock clock;
    private final Faults faults;
    private final ExecutorMetrics metrics;

    CommandHandler(CommandDecoder decoder, StepProcessor processor, Publisher publisher, TargetStates states, Clock clock,
            Faults faults, ExecutorMetrics metrics) {
        this.metrics = metrics;
        this.decoder = decoder;
        this.processor = processor;
        this.publisher = publisher;
        this.states = states;
        this.clock = clock;
        this.faults = faults;
    }

    Handled handle(ConsumerRecord<byte[], byte[]> record) {
        long handedNanos = System.nanoTime();
        Decoded decoded;
        try {
            decoded = decoder.decode(record.topic(), record.key(), record.value());
        } catch (SchemaRegistryException e) {
            log.warn("cannot decode {}/{}/{} now, the schema registry did not answer ({}): trying again later", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            return Handled.RETRY_LATER;
        }
        if (decoded instanceof Decoded.Invalid invalid) {
            String reason = invalid.reason();
            log.warn("dead-lettering {}/{}/{}: {}", record.topic(), record.partition(), record.offset(),
                    reason.length() <= MAX_LOGGED_REASON ? reason : reason.substring(0, MAX_LOGGED_REASON) + "... (in full on "
                            + io.convoy.schemas.Topics.DLQ.name() + ")");
            publisher.deadLetter(AvroMapping.deadLetter(record.topic(), record.partition(), record.offset(), record.key(),
                    record.value(), invalid, clock.instant()));
            publisher.awaitAll();
            return Handled.DONE;
        }
        Command command = ((Decoded.Valid) decoded).command();
        long decodedNanos = System.nanoTime();
        // The sink runs inside the engine's listener: a failing send must not fail the migration step (that would
        // record a failure in convoy.history). It is remembered and raised once the step is over (not committed).
        java.util.concurrent.atomic.AtomicReference<RuntimeException> sendFailure = new java.util.concurrent.atomic.AtomicReference<>();
        long startedNanos = System.nanoTime();
        StepProcessor.Result result = processor.process(command, update -> {
            try {
                metrics.event(update);
                publisher.stepEvent(update);
            } catch (RuntimeException e) {
                sendFailure.compareAndSet(null, e);
            }
        });
        if (sendFailure.get() != null) {
            throw new org.apache.kafka.common.KafkaException("could not publish a step event of " + command.describe()
                    + ": " + sendFailure.get(), sendFailure.get());
        }
        if (result instanceof StepProcessor.Result.Interrupted) {
            publisher.awaitAll();
            return Handled.INTERRUPTED;
        }
        StepProcessor.Result.Done done = (StepProcessor.Result.Done) result;
        metrics.outcome(done.update().status(), System.nanoTime() - startedNanos);
        faults.at(Faults.Stage.DONE_NOT_PUBLISHED, command);
        publisher.stepEvent(done.update());
        states.after(done.update(), done.heads(), clock.instant()).ifPresentOrElse(publisher::targetState,
                () -> log.info("target state of {} not published: its heads could not be read", command.targetId()));
        long processedNanos = System.nanoTime();
        publisher.awaitAll();
        if (log.isDebugEnabled()) {
            long now = System.nanoTime();
            log.debug("{}: timing: record age at hand-over {} ms, decode {} ms, process {} ms (history check, lock, step),"
                    + " publish and acks {} ms", command.describe(), clock.millis() - record.timestamp() - (now - handedNanos) / 1_000_000,
                    (decodedNanos - handedNanos) / 1e6, (processedNanos - startedNanos) / 1e6, (now - processedNanos) / 1e6);
        }
        faults.at(Faults.Stage.PUBLISHED_NOT_COMMITTED, command);
        return Handled.DONE;
    }
}
