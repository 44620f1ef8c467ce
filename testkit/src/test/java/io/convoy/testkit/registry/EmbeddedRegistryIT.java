package io.convoy.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.convoy.testkit.kafka.LoopbackOnly;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedRegistryIT {
    private static EmbeddedRegistry registry;

    @BeforeAll
    static void start() {
        registry = EmbeddedRegistry.start();
        System.out.println("EmbeddedRegistry start: " + registry.startupTime().toMillis() + " ms (pid " + registry.pid() + ")");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void answersTheConfluentApi() throws Exception {
        assertThat(registry.ccompatUrl()).startsWith("http://127.0.0.1:").endsWith("/apis/ccompat/v7");
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().strip()).isEqualTo("[]");
    }

    @Test
    @Order(2)
    void listensOnLoopbackOnly() throws Exception {
        assertThat(LoopbackOnly.accepts(InetAddress.getLoopbackAddress(), registry.port())).isTrue();
        Optional<InetAddress> other = LoopbackOnly.otherLocalAddress();
        assumeThat(other).as("a non-loopback address on this machine").isPresent();
        assertThat(LoopbackOnly.accepts(other.get(), registry.port())).as("registry port on " + other.get()).isFalse();
    }

    @Test
    @Order(3)
    void aChildThatDiesAtStartIsReportedWithItsLog() {
        assertThatThrownBy(() -> EmbeddedRegistry.builder().maxHeap("1k").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with status")
                .hasMessageContaining("heap");
    }

    @Test
    @Order(4)
    void aPortTakenBeforeTheChildBindsItIsReplacedByAnother() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int[] offered = {taken.getLocalPort(), -1};
            int[] calls = {0};
            try (EmbeddedRegistry second = EmbeddedRegistry.builder().ports(() -> {
                        int i = calls[0]++;
                        if (i == 0) {
                            return offered[0];
                        }
                        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                            offered[1] = free.getLocalPort();
                            return offered[1];
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).start()) {
                assertThat(calls[0]).as("ports asked for").isEqualTo(2);
                assertThat(second.port()).isEqualTo(offered[1]).isNotEqualTo(taken.getLocalPort());
                assertThat(second.isAlive()).isTrue();
            }
        }
    }

    @Test
    @Order(5)
    void closeStopsTheProcessAndItsPort() {
        var log = registry.logFile();
        assertThat(registry.isAlive()).isTrue();
        registry.close();
        registry.close(); // idempotent
        assertThat(registry.isAlive()).isFalse();
        assertThat(ProcessHandle.of(registry.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(LoopbackOnly.accepts(InetAddress.getLoopbackAddress(), registry.port())).isFalse();
        assertThat(Files.exists(log)).isFalse();
    }
}
