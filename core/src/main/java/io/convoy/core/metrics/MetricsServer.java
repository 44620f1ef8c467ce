package io.convoy.core.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoints every service exposes, on 127.0.0.1 only, with the JDK's own HTTP server:
 * {@code GET /metrics} (Prometheus text format, from any supplier, e.g. Micrometer's
 * {@code PrometheusMeterRegistry::scrape}) and {@code GET /health} (JSON, 200 when up, 503 when down).
 * Knows nothing of Micrometer, so that any module can use it without new dependencies.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * try (MetricsServer server = MetricsServer.start(9466, registry::scrape, () -> Health.up(Map.of("kafka", "ok")))) { ... }
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** Content type of the Prometheus text exposition format. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What {@code /health} answers.
     *
     * @param up     true: 200 and status UP; false: 503 and status DOWN
     * @param checks one line per part of the service (e.g. {@code kafka: ok}, {@code cluster eu-1: connection refused})
     */
    public record Health(boolean up, Map<String, String> checks) {
        public Health {
            checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }

        public static Health up(Map<String, String> checks) {
            return new Health(true, checks);
        }

        public static Health down(Map<String, String> checks) {
            return new Health(false, checks);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code 127.0.0.1:port} (0: any free port, see {@link #port()}).
     *
     * @param metrics the Prometheus text of the metrics, computed on each scrape
     * @param health  the health, computed on each request
     * @throws ConvoyException MIG020 when the port is taken or invalid
     */
    public static MetricsServer start(int port, Supplier<String> metrics, Supplier<Health> health) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(health, "health");
        if (port < 0 || port > 65535) {
            throw new ConvoyException(ErrorCode.MIG020, "invalid metrics port " + port + ": expected 0 to 65535");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot serve metrics on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> handle(exchange, () -> {
            byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
            return new Response(200, PROMETHEUS_CONTENT_TYPE, body);
        }));
        server.createContext("/health", exchange -> handle(exchange, () -> {
            Health h = health.get();
            ObjectNode node = JSON.createObjectNode();
            node.put("status", h.up() ? "UP" : "DOWN");
            ObjectNode checks = node.putObject("checks");
            h.checks().forEach(checks::put);
            return new Response(h.up() ? 200 : 503, "application/json",
                    node.toString().getBytes(StandardCharsets.UTF_8));
        }));
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "convoy-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        MetricsServer started = new MetricsServer(server, executor);
        LOG.info("metrics on {} and health on {}", started.uri().resolve("/metrics"), started.uri().resolve("/health"));
        return started;
    }

    private record Response(int status, String contentType, byte[] body) {}

    private static void handle(HttpExchange exchange, Supplier<Response> answer) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(exchange.getHttpContext().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Response response;
            try {
                response = answer.get();
            } catch (RuntimeException e) {
                LOG.warn("{} failed: {}", path, e.toString(), e);
                response = new Response(500, "text/plain; charset=utf-8",
                        ("error: " + e.getClass().getSimpleName()).getBytes(StandardCharsets.UTF_8));
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        }
    }

    /** The port served (the chosen one when started with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    /** Stops serving at once. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
