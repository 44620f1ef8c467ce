package io.convoy.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A real HTTP server on loopback, asked by a real HTTP client. */
class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsFreshOnEveryScrapeAndHealthAsJson() throws Exception {
        AtomicInteger scrapes = new AtomicInteger();
        AtomicBoolean up = new AtomicBoolean(true);
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("kafka", "ok");
        try (MetricsServer server = MetricsServer.start(0, () -> "convoy_scrapes " + scrapes.incrementAndGet() + "\n",
                () -> new MetricsServer.Health(up.get(), checks))) {
            assertThat(server.port()).isPositive();
            HttpResponse<String> first = get(server, "/metrics");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type")).contains(MetricsServer.PROMETHEUS_CONTENT_TYPE);
            assertThat(first.body()).isEqualTo("convoy_scrapes 1\n");
            assertThat(get(server, "/metrics").body()).isEqualTo("convoy_scrapes 2\n");

            HttpResponse<String> health = get(server, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"kafka\":\"ok\"}}");
            up.set(false);
            checks.put("kafka", "unreachable");
            HttpResponse<String> down = get(server, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"DOWN\"").contains("unreachable");

            assertThat(get(server, "/metrics/extra").statusCode()).isEqualTo(404);
            assertThat(get(server, "/other").statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(server.uri().resolve("/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(405);
        }
    }

    @Test
    void aFailingSupplierGives500AndTheServerGoesOn() throws Exception {
        AtomicBoolean fail = new AtomicBoolean(true);
        try (MetricsServer server = MetricsServer.start(0, () -> {
            if (fail.get()) {
                throw new IllegalStateException("boom");
            }
            return "ok 1\n";
        }, () -> MetricsServer.Health.up(Map.of()))) {
            assertThat(get(server, "/metrics").statusCode()).isEqualTo(500);
            fail.set(false);
            assertThat(get(server, "/metrics").body()).isEqualTo("ok 1\n");
        }
    }

    @Test
    void listensOnLoopbackOnlyAndATakenPortIsAClearError() throws Exception {
        try (MetricsServer server = MetricsServer.start(0, () -> "", () -> MetricsServer.Health.up(Map.of()))) {
            assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/"));
            InetAddress other = nonLoopbackAddress();
            if (other != null) {
                try (Socket s = new Socket()) {
                    assertThatThrownBy(() -> s.connect(new InetSocketAddress(other, server.port()), 500))
                            .isInstanceOf(java.io.IOException.class);
                }
            }
            assertThatThrownBy(() -> MetricsServer.start(server.port(), () -> "", () -> MetricsServer.Health.up(Map.of())))
                    .isInstanceOf(ConvoyException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port());
        }
        assertThatThrownBy(() -> MetricsServer.start(70000, () -> "", () -> MetricsServer.Health.up(Map.of())))
                .hasMessageContaining("70000");
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
                    return address;
                }
            }
        }
        return null;
    }
}
