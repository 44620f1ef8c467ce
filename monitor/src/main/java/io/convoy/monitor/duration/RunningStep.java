package io.convoy.monitor.duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A step that STARTED and has not finished, as the detector's state store keeps it (JSON, so that the store needs no
 * schema registry).
 *
 * @param startedAtMillis when the executor said it started (its clock, epoch milliseconds)
 * @param status          the step's latest status (STARTED, RETRYING, HALTED, RESUMED)
 */
public record RunningStep(String targetId, String commandId, String planId, String revision, String executorId,
                          long startedAtMillis, int attempts, String status) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The serde of the store's values. */
    public static Serde<RunningStep> serde() {
        Serializer<RunningStep> ser = (topic, step) -> {
            if (step == null) {
                return null;
            }
            try {
                return JSON.writeValueAsBytes(step);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        Deserializer<RunningStep> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return JSON.readValue(bytes, RunningStep.class);
            } catch (IOException e) {
                throw new SerializationException("cannot read a running step from " + topic + ": " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }

    public RunningStep withStatus(String newStatus, int newAttempts) {
        return new RunningStep(targetId, commandId, planId, revision, executorId, startedAtMillis, newAttempts, newStatus);
    }
}
