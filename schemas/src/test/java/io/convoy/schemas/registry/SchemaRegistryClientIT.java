package io.convoy.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.StepEvent;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real Apicurio Registry (Confluent API). */
class SchemaRegistryClientIT {
    private static EmbeddedRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void start() {
        registry = EmbeddedRegistry.start();
        System.out.println("EmbeddedRegistry start: " + registry.startupTime().toMillis() + " ms");
        client = new SchemaRegistryClient(registry.ccompatUrl());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void registersIdempotentlyAndReadsBackById() {
        int id = client.register("it.register-value", StepEvent.getClassSchema());
        assertThat(id).isPositive();
        assertThat(client.register("it.register-value", StepEvent.getClassSchema())).isEqualTo(id);

        // A fresh client has no cache: the registry itself must answer the same.
        SchemaRegistryClient cold = new SchemaRegistryClient(registry.ccompatUrl());
        assertThat(cold.register("it.register-value", StepEvent.getClassSchema())).isEqualTo(id);
        assertThat(cold.getById(id)).isEqualTo(StepEvent.getClassSchema());
        assertThat(cold.lookup("it.register-value", StepEvent.getClassSchema())).hasValue(id);
        assertThat(cold.lookup("it.register-value", PlanEvent.getClassSchema())).isEmpty();
        assertThat(cold.lookup("it.no-such-subject", PlanEvent.getClassSchema())).isEmpty();
        assertThat(cold.subjects()).contains("it.register-value");
    }

    @Test
    void theSameSchemaUnderTwoSubjectsKeepsOneMeaningPerId() {
        int a = client.register("it.twice-a-value", PlanEvent.getClassSchema());
        int b = client.register("it.twice-b-value", PlanEvent.getClassSchema());
        assertThat(client.getById(a)).isEqualTo(PlanEvent.getClassSchema());
        assertThat(client.getById(b)).isEqualTo(PlanEvent.getClassSchema());
    }

    @Test
    void compatibilityPassesAndFailsUnderBackward() {
        String subject = "it.compat-value";
        Schema v1 = PlanEvent.getClassSchema();
        Schema withDefault = withField(v1, "region", "\"string\"", "\"global\"");
        Schema withoutDefault = withField(v1, "region", "\"string\"", null);

        assertThat(client.checkCompatibility(subject, v1).compatible()).as("a new subject accepts anything").isTrue();
        client.register(subject, v1);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        assertThat(client.checkCompatibility(subject, withDefault).compatible()).isTrue();
        CompatibilityResult bad = client.checkCompatibility(subject, withoutDefault);
        assertThat(bad.compatible()).isFalse();
        assertThat(bad.messages()).isNotEmpty().anySatisfy(m -> assertThat(m).contains("region"));

        assertThatThrownBy(() -> client.register(subject, withoutDefault))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(registry.ccompatUrl())
                .hasMessageContaining("subject '" + subject + "'")
                .hasMessageContaining("HTTP 409")
                .hasMessageContaining("Incompatible")
                .asInstanceOf(type(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.isRetriable()).isFalse();
                });
        assertThat(client.register(subject, withDefault)).isPositive();
    }

    @Test
    void anUnknownIdIsA404NamingTheId() {
        assertThatThrownBy(() -> client.getById(987_654))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("schema id 987654")
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("error 40403")
                .hasMessageContaining(registry.ccompatUrl())
                .asInstanceOf(type(SchemaRegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void anInvalidSchemaIsA422WithTheRegistrysReason() {
        assertThatThrownBy(() -> client.register("it.invalid-value", "{\"type\": \"record\", \"name\": "))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("subject 'it.invalid-value'")
                .hasMessageContaining("HTTP 422")
                .asInstanceOf(type(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(42201);
                });
    }

    @Test
    void credentialsInTheUrlAreSentButNeverShown() {
        String url = registry.ccompatUrl().replace("http://", "http://svc:s3cret@");
        SchemaRegistryClient withCredentials = new SchemaRegistryClient(url);
        assertThat(withCredentials.register("it.credentials-value", StepEvent.getClassSchema())).isPositive();
        assertThatThrownBy(() -> withCredentials.getById(987_655))
                .hasMessageContaining("svc:****@")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aRegistryThatIsNotThereIsReportedAsUnreachable() {
        String deadUrl = "http://127.0.0.1:" + freeClosedPort() + "/apis/ccompat/v7";
        SchemaRegistryClient dead = new SchemaRegistryClient(deadUrl);
        assertThatThrownBy(() -> dead.checkCompatibility("it.dead-value", StepEvent.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(deadUrl)
                .hasMessageContaining("unreachable")
                .hasMessageContaining("it.dead-value");
    }

    private static int freeClosedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Schema withField(Schema record, String name, String typeJson, String defaultJson) {
        String text = record.toString();
        String field = "{\"name\":\"" + name + "\",\"type\":" + typeJson + (defaultJson == null ? "" : ",\"default\":" + defaultJson) + "}";
        int end = text.lastIndexOf("]");
        Schema changed = new Schema.Parser().parse(text.substring(0, end) + "," + field + text.substring(end));
        List<String> names = new ArrayList<>();
        changed.getFields().forEach(f -> names.add(f.name()));
        assertThat(names).contains(name);
        return changed;
    }
}
