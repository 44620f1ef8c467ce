package io.convoy.executor;

import io.convoy.executor.command.Command;
import io.convoy.executor.command.CommandDecoder;
import io.convoy.executor.command.Decoded;
import io.convoy.executor.kafka.AvroMapping;
import io.convoy.executor.kafka.Publisher;
import io.convoy.executor.step.StepProcessor;
import io.convoy.executor.step.TargetStates;
import io.convoy.schemas.registry.SchemaRegistryException;
import io.convoy.executor.step.TargetStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        INTERRUPTED,
        /** Not started (a run stopped before it): it waits at the head of its target's queue to start again. */
        NOT_RUN
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
        StepProcessor.Result result = processor.process(command, sink(sendFailure));
        Handled handled = finish(command, result, startedNanos, sendFailure, null, true);
        if (log.isDebugEnabled()) {
            log.debug("{}: timing: record age at hand-over {} ms, decode {} ms, handled in {} ms", command.describe(),
                    clock.millis() - record.timestamp() - (System.nanoTime() - handedNanos) / 1_000_000,
                    (decodedNanos - handedNanos) / 1e6, (System.nanoTime() - startedNanos) / 1e6);
        }
        return handled;
    }

    /**
     * Handles consecutive records of one target (in offset order) as one run ({@link StepProcessor#processRun}: one
     * migration session holding the lock for all of them). Each command's events are sent as they happen, but the
     * run does not stop to wait for their acknowledgements after every command: when the run ends, the target state
     * is published (once), every send of the run is awaited, and only then do the outcomes go to {@code done} (index,
     * how it was handled), so that no offset is committed before the events of its command are acknowledged. If an
     * acknowledgement fails, nothing of the run is reported done: the exception ends the executor, and the commands
     * are delivered again and find their outcome in convoy.history. The run takes the leading records that decode
     * into commands; it stops early when {@code goOn} says so (checked after each command). Returns how many
     * records were handled; the others were not started (they come again).
     */
    int handleRun(List<ConsumerRecord<byte[], byte[]>> records, java.util.function.ObjIntConsumer<Handled> done,
            java.util.function.BooleanSupplier goOn) {
        List<Command> commands = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Decoded decoded;
            try {
                decoded = decoder.decode(record.topic(), record.key(), record.value());
            } catch (SchemaRegistryException e) {
                break;
            }
            if (!(decoded instanceof Decoded.Valid valid)) {
                break;
            }
            commands.add(valid.command());
        }
        if (commands.size() <= 1) {
            // A record that does not decode (or a lone one) takes the single path, which dead-letters or retries it.
            done.accept(handle(records.get(0)), 0);
            return 1;
        }
        java.util.concurrent.atomic.AtomicReference<RuntimeException> sendFailure = new java.util.concurrent.atomic.AtomicReference<>();
        int[] index = {0};
        long[] startedNanos = {System.nanoTime()};
        TargetStatus[] unpublished = {null};
        List<Outcome> outcomes = new ArrayList<>();
        int[] reported = {0};
        int handled = processor.processRun(commands, sink(sendFailure), (command, result) -> {
                int i = index[0]++;
                boolean last = i == commands.size() - 1;
                Handled h = finish(command, result, startedNanos[0], sendFailure, unpublished, false);
                outcomes.add(new Outcome(command, h));
                boolean more = h == Handled.DONE && !last && goOn.getAsBoolean();
                if (!more) {
                    acknowledge(unpublished, outcomes, reported, done);
                }
                startedNanos[0] = System.nanoTime();
                return more;
            });
        // The run may have stopped without a last outcome (its session broke): what it did is acknowledged now.
        acknowledge(unpublished, outcomes, reported, done);
        return handled;
    }

    /**
     * Publishes the run's target state (if a command changed it), waits for every send of this thread, then reports
     * the outcomes not reported yet ({@code reported[0]} of {@code outcomes} were), in order.
     */
    private void acknowledge(TargetStatus[] unpublished, List<Outcome> outcomes, int[] reported,
            java.util.function.ObjIntConsumer<Handled> done) {
        if (unpublished[0] != null) {
            TargetStatus s = unpublished[0];
            unpublished[0] = null;
            publisher.targetState(s);
        }
        publisher.awaitAll();
        for (int k = reported[0]; k < outcomes.size(); k++) {
            Outcome o = outcomes.get(k);
            if (o.handled() == Handled.DONE) {
                faults.at(Faults.Stage.PUBLISHED_NOT_COMMITTED, o.command());
            }
            reported[0] = k + 1;
            done.accept(o.handled(), k);
        }
    }

    /** How a command of a run was handled, waiting for the run's acknowledgements to be reported. */
    private record Outcome(Command command, Handled handled) {}

    private java.util.function.Consumer<io.convoy.executor.step.StepUpdate> sink(
            java.util.concurrent.atomic.AtomicReference<RuntimeException> sendFailure) {
        return update -> {
            try {
                metrics.event(update);
                publisher.stepEvent(update);
            } catch (RuntimeException e) {
                sendFailure.compareAndSet(null, e);
            }
        };
    }

    /**
     * Publishes a command's outcome and the target state and, with {@code await}, waits for the acknowledgements;
     * with {@code stateLater}, the target state is not published but left there for the caller to publish once for a
     * run. Without {@code await}, the caller must {@link Publisher#awaitAll} before the command counts as done.
     */
    private Handled finish(Command command, StepProcessor.Result result, long startedNanos,
            java.util.concurrent.atomic.AtomicReference<RuntimeException> sendFailure, TargetStatus[] stateLater,
            boolean await) {
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
        Optional<TargetStatus> state = states.after(done.update(), done.heads(), clock.instant());
        if (state.isEmpty()) {
            log.info("target state of {} not published: its heads could not be read", command.targetId());
        } else if (stateLater == null) {
            publisher.targetState(state.get());
        } else {
            stateLater[0] = state.get();
        }
        if (await) {
            publisher.awaitAll();
            faults.at(Faults.Stage.PUBLISHED_NOT_COMMITTED, command);
        }
        return Handled.DONE;
    }
}
