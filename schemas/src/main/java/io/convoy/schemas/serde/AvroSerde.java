package io.convoy.schemas.serde;

import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializer, deserializer and serde of one generated Avro class in the Confluent wire format:
 * magic byte {@code 0}, the writer schema's registry id as 4 bytes big-endian, then Avro binary.
 *
 * <p>The serializer registers (or, without auto-registration, looks up) the class schema under the subject
 * {@code <topic>-value} ({@code <topic>-key} for a key serde) on first use; the registry client caches the id.
 * The deserializer fetches the writer schema by id and resolves it to the class schema, so records written
 * with an older or newer compatible schema read fine.
 *
 * <p>Errors: bytes that are not a record of this type (wrong magic byte, too short, unknown schema id,
 * undecodable or unresolvable body) throw {@link SerializationException} — a poison pill to set aside
 * (dead-letter topic). A registry that cannot answer throws {@link SchemaRegistryException} unwrapped from
 * {@link #deserialize}; its {@link SchemaRegistryException#isRetriable()} tells that the record itself may be
 * fine. {@code null} bytes (tombstones) give {@code null}.
 *
 * <p>Configured through its constructor; {@link #configure} does nothing. Thread-safe.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private final SerdeConfig config;
    private final boolean isKey;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

    public AvroSerde(Class<T> type, SerdeConfig config, boolean isKey) {
        this.type = Objects.requireNonNull(type, "type");
        this.config = Objects.requireNonNull(config, "config");
        this.isKey = isKey;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        if (readerSchema == null || readerSchema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(type.getName() + " is not a generated Avro record class");
        }
    }

    /** A serde for record values of {@code type} (subject {@code <topic>-value}). */
    public static <T extends SpecificRecord> AvroSerde<T> forValue(Class<T> type, SerdeConfig config) {
        return new AvroSerde<>(type, config, false);
    }

    /** A serde for record keys of {@code type} (subject {@code <topic>-key}). */
    public static <T extends SpecificRecord> AvroSerde<T> forKey(Class<T> type, SerdeConfig config) {
        return new AvroSerde<>(type, config, true);
    }

    /** The subject a record of {@code topic} is registered under (topic-name strategy). */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return readerSchema;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Configured through the constructor.
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = data.getSchema();
        String subject = subject(topic, isKey);
        int id = schemaId(subject, schema, topic);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, model)).write(data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + schema.getFullName() + " for topic '" + topic + "': "
                    + describe(e), e);
        }
    }

    private int schemaId(String subject, Schema schema, String topic) {
        SchemaRegistryClient registry = config.registry();
        try {
            if (config.autoRegister()) {
                return registry.register(subject, schema);
            }
            OptionalInt id = registry.lookup(subject, schema);
            if (id.isEmpty()) {
                throw new SerializationException("cannot serialize " + schema.getFullName() + " for topic '" + topic
                        + "': its schema is not registered under subject '" + subject + "' in " + registry.baseUrl()
                        + " and auto-registration is off");
            }
            return id.getAsInt();
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot serialize " + schema.getFullName() + " for topic '" + topic + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        String what = (isKey ? "key" : "value") + " of a record from topic '" + topic + "'";
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("cannot deserialize the " + what + " as " + type.getSimpleName() + ": it is "
                    + data.length + " bytes long, too short for the wire format (magic byte 0, 4-byte schema id, Avro binary)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format("cannot deserialize the %s as %s: unknown magic byte 0x%02x"
                    + " (expected 0x00, the schema-registry wire format)", what, type.getSimpleName(), data[0] & 0xff));
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        SpecificDatumReader<T> reader;
        try {
            reader = readers.get(id);
            if (reader == null) {
                // Not computeIfAbsent: the registry call must not hold the map's lock.
                reader = readerFor(id);
                readers.putIfAbsent(id, reader);
            }
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                throw new SerializationException("cannot deserialize the " + what + " as " + type.getSimpleName()
                        + ": schema id " + id + " is unknown to " + config.registry().baseUrl(), e);
            }
            throw e;
        } catch (RuntimeException e) {
            throw new SerializationException("cannot deserialize the " + what + " as " + type.getSimpleName()
                    + ": writer schema id " + id + " cannot be read as " + readerSchema.getFullName() + ": " + describe(e), e);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, null);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("cannot deserialize the " + what + " as " + type.getSimpleName()
                        + ": bytes left over after the record (writer schema id " + id + ")");
            }
            return record;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("cannot deserialize the " + what + " as " + type.getSimpleName()
                    + " (writer schema id " + id + ", " + (data.length - HEADER_SIZE) + " bytes of Avro): " + describe(e), e);
        }
    }

    private SpecificDatumReader<T> readerFor(int id) {
        Schema writer = config.registry().getById(id);
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, readerSchema, model);
        // Resolve now, so an incompatible writer schema fails here with its own message.
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalStateException("writer schema " + writer.getFullName() + " (id " + id + ") is not compatible: "
                    + compatibility.getResult().getIncompatibilities());
        }
        return reader;
    }

    @Override
    public void close() {
        // Nothing to release: the registry client is shared and owned by the caller.
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    @Override
    public String toString() {
        return "AvroSerde[" + type.getSimpleName() + (isKey ? ", key" : ", value") + ", " + config.registry().baseUrl() + "]";
    }
}
