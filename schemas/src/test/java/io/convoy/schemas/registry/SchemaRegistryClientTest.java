package io.convoy.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.convoy.schemas.avro.StepEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the client does without a registry: URL handling and the "unreachable" error. */
class SchemaRegistryClientTest {

    @Test
    void masksThePasswordOfTheBaseUrl() {
        SchemaRegistryClient client = new SchemaRegistryClient("http://svc:s3cret@127.0.0.1:8081/apis/ccompat/v7/");
        assertThat(client.baseUrl()).isEqualTo("http://svc:****@127.0.0.1:8081/apis/ccompat/v7");
        assertThat(client.toString()).doesNotContain("s3cret");
    }

    @Test
    void refusesWhatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> new SchemaRegistryClient("127.0.0.1:8081"))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("'127.0.0.1:8081'")
                .hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> new SchemaRegistryClient("http://a b/"))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not a valid URL");
    }

    @Test
    void anUnreachableRegistryIsNamedWithTheSubjectAndNoPassword() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryClient client = new SchemaRegistryClient("http://svc:s3cret@127.0.0.1:" + closedPort + "/apis/ccompat/v7",
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThatThrownBy(() -> client.register("convoy.step-events-value", StepEvent.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("http://svc:****@127.0.0.1:" + closedPort + "/apis/ccompat/v7")
                .hasMessageContaining("unreachable")
                .hasMessageContaining("convoy.step-events-value")
                .hasMessageNotContaining("s3cret")
                .asInstanceOf(type(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
                    assertThat(e.isRetriable()).isTrue();
                });
        assertThatThrownBy(() -> client.getById(7)).hasMessageContaining("schema id 7").hasMessageContaining("unreachable");
    }

    @Test
    void retriableMeansNoAnswerOrAServerSideFault() {
        assertThat(new SchemaRegistryException("x", 503, -1, null).isRetriable()).isTrue();
        assertThat(new SchemaRegistryException("x", 429, -1, null).isRetriable()).isTrue();
        assertThat(new SchemaRegistryException("x", 409, 409, null).isRetriable()).isFalse();
        assertThat(new SchemaRegistryException("x", 404, 40403, null).isRetriable()).isFalse();
    }
}
