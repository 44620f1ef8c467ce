package io.convoy.planner.stream;

import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Helpers shared by the processors that read raw bytes from the pipeline's topics. */
final class EdgeSupport {
    private EdgeSupport() {}

    /** The key as UTF-8 text, or null when absent or not valid UTF-8. */
    static String keyText(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code topic/partition/offset} of the record being processed. */
    static String coordinates(ProcessorContext<?, ?> context) {
        RecordMetadata m = metadata(context);
        return Topics.deadLetterKey(m.topic(), m.partition(), m.offset());
    }

    /** The record being processed, set aside with its bytes unchanged. */
    static Record<String, Emit> deadLetter(ProcessorContext<?, ?> context, Record<byte[], byte[]> record, String reason,
                                           String errorCode) {
        RecordMetadata m = metadata(context);
        long now = context.currentSystemTimeMs();
        DeadLetter letter = AvroCodec.deadLetter(m.topic(), m.partition(), m.offset(), record.key(), record.value(),
                reason, errorCode, Instant.ofEpochMilli(now));
        return new Record<>(Topics.deadLetterKey(m.topic(), m.partition(), m.offset()), new Emit.Dead(letter), record.timestamp());
    }

    private static RecordMetadata metadata(ProcessorContext<?, ?> context) {
        return context.recordMetadata().orElseThrow(() -> new IllegalStateException("no record metadata: not processing a record"));
    }
}
