package io.convoy.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the serde decides before it needs a registry (the wire-format checks), and how it reports a registry that
 * does not answer. The round trips against a real registry are in AvroSerdeIT.
 */
class AvroSerdeTest {
    private static AvroSerde<PlanEvent> serde;
    private static int closedPort;

    @BeforeAll
    static void setUp() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryClient nowhere = new SchemaRegistryClient("http://127.0.0.1:" + closedPort + "/apis/ccompat/v7",
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        serde = AvroSerde.forValue(PlanEvent.class, SerdeConfig.of(nowhere));
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void aPayloadShorterThanTheHeaderIsRefused() {
        assertThatThrownBy(() -> serde.deserialize("convoy.plan-events", new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("convoy.plan-events")
                .hasMessageContaining("3 bytes long")
                .hasMessageContaining("PlanEvent");
    }

    @Test
    void aWrongMagicByteIsRefused() {
        assertThatThrownBy(() -> serde.deserialize("convoy.plan-events", "{\"json\":true}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown magic byte 0x7b")
                .hasMessageContaining("expected 0x00");
    }

    @Test
    void aRegistryThatDoesNotAnswerIsNotMistakenForABadRecord() {
        byte[] header = {0, 0, 0, 0, 42, 2, 'x'};
        assertThatThrownBy(() -> serde.deserialize("convoy.plan-events", header))
                .isInstanceOf(SchemaRegistryException.class)
                .isNotInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 42")
                .hasMessageContaining("unreachable")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).isRetriable()).isTrue());
    }

    @Test
    void serializingWithoutARegistryFailsAsASerializationError() {
        PlanEvent event = PlanEvent.newBuilder().setEventId("e").setRequestId("r")
                .setStatus(io.convoy.schemas.avro.PlanStatus.ACCEPTED).setOccurredAt(Instant.EPOCH).build();
        assertThatThrownBy(() -> serde.serialize("convoy.plan-events", event))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("convoy.plan-events-value")
                .hasMessageContaining("127.0.0.1:" + closedPort)
                .hasCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void subjectsFollowTheTopicNameStrategy() {
        assertThat(AvroSerde.subject("convoy.commands", false)).isEqualTo("convoy.commands-value");
        assertThat(AvroSerde.subject("convoy.commands", true)).isEqualTo("convoy.commands-key");
        assertThat(serde.serializer()).isSameAs(serde);
        assertThat(serde.deserializer()).isSameAs(serde);
    }
}
