package io.convoy.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry (in-memory storage) as a child process on 127.0.0.1, speaking the Confluent
 * schema-registry API at {@link #ccompatUrl()}.
 *
 * <p>The distribution comes from the local Maven repository (building testkit resolves it) or from
 * {@code -Dconvoy.apicurio.dist=<tar.gz or extracted dir>}; it is extracted once into
 * {@code ~/.cache/convoy/apicurio-<version>} ({@code -Dconvoy.cache.dir} to move it). The child runs with this
 * JVM's {@code java}. It is destroyed, with its descendants, on {@link #close()} and by a shutdown hook.
 */
public final class EmbeddedRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Path workDir;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedRegistry(Process process, int port, Path workDir, Path logFile, Duration startupTime, Thread shutdownHook) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.logFile = logFile;
        this.startupTime = startupTime;
        this.shutdownHook = shutdownHook;
    }

    /** Starts a registry with the default settings. */
    public static EmbeddedRegistry start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    public int port() {
        return port;
    }

    /** Process id of the registry's JVM. */
    public long pid() {
        return process.pid();
    }

    /** From launching the child to its first 200 answer. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child's combined stdout/stderr (deleted on close). */
    public Path logFile() {
        return logFile;
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 10 s) and its descendants. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway
        }
        destroy(process);
        deleteQuietly(workDir);
    }

    @Override
    public String toString() {
        return "EmbeddedRegistry[" + ccompatUrl() + ", pid " + process.pid() + "]";
    }

    /** Settings of a registry to start. */
    public static final class Builder {
        private Duration startTimeout = Duration.ofSeconds(120);
        private String maxHeap = "384m";
        private final List<String> jvmOptions = new ArrayList<>();
        private java.util.function.IntSupplier ports = EmbeddedRegistry::freePort;

        private Builder() {}

        /** How long to wait for the registry to answer (default 120 s: the machine may be busy). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Maximum heap of the child JVM (default 384m). */
        public Builder maxHeap(String value) {
            this.maxHeap = value;
            return this;
        }

        /** An extra option for the child JVM, e.g. {@code -Dregistry.rules.global.compatibility=BACKWARD}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Where the ports to try come from (default: a free port of 127.0.0.1 each time); for tests. */
        Builder ports(java.util.function.IntSupplier ports) {
            this.ports = ports;
            return this;
        }

        /**
         * Starts the registry on a free port. The port is free when picked but bound only seconds later by the child,
         * so something started meanwhile (a broker, PostgreSQL, another test's registry) may take it: the child then
         * exits saying the port is in use, and the start is tried again on another port, up to
         * {@value #PORT_ATTEMPTS} times.
         */
        public EmbeddedRegistry start() {
            for (int attempt = 1; ; attempt++) {
                int port = ports.getAsInt();
                try {
                    return startOn(port);
                } catch (PortTaken e) {
                    if (attempt >= PORT_ATTEMPTS) {
                        throw e.failure;
                    }
                    LOG.warn("registry port {} was taken before the registry could bind it (attempt {} of {}): trying another",
                            port, attempt, PORT_ATTEMPTS);
                }
            }
        }

        private EmbeddedRegistry startOn(int port) {
            Path runner = ApicurioDistribution.runnerJar();
            Path workDir;
            try {
                workDir = Files.createTempDirectory("convoy-registry-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a work directory for the registry", e);
            }
            Path logFile = workDir.resolve("registry.log");
            List<String> command = new ArrayList<>();
            command.add(javaExecutable());
            command.add("-Xmx" + maxHeap);
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Djava.io.tmpdir=" + workDir);
            command.add("-Dquarkus.http.host=127.0.0.1");
            command.add("-Dquarkus.http.port=" + port);
            command.addAll(jvmOptions);
            command.add("-jar");
            command.add(runner.toString());
            long started = System.nanoTime();
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile())
                        .start();
            } catch (IOException e) {
                deleteQuietly(workDir);
                throw new UncheckedIOException("cannot launch the registry: " + String.join(" ", command), e);
            }
            Thread hook = new Thread(() -> destroy(process), "convoy-registry-shutdown-" + process.pid());
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                awaitReady(process, port, logFile, startTimeout);
            } catch (RuntimeException e) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down
                }
                destroy(process);
                boolean portTaken = tail(logFile).contains("Port " + port + " seems to be in use");
                deleteQuietly(workDir);
                throw portTaken ? new PortTaken(e) : e;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            LOG.info("embedded Apicurio Registry {} on 127.0.0.1:{} (pid {}) ready in {} ms",
                    ApicurioDistribution.VERSION, port, process.pid(), took.toMillis());
            return new EmbeddedRegistry(process, port, workDir, logFile, took, hook);
        }
    }

    /** Starts on another port before giving up when the child reports its port taken. */
    static final int PORT_ATTEMPTS = 3;

    /** The child exited because its port was taken meanwhile; {@code failure} says so with its log. */
    private static final class PortTaken extends RuntimeException {
        private final RuntimeException failure;

        PortTaken(RuntimeException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    private static void awaitReady(Process process, int port, Path logFile, Duration timeout) {
        URI probe = URI.create("http://127.0.0.1:" + port + CCOMPAT_PATH + "/subjects");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the registry exited with status " + process.exitValue()
                        + " before answering on " + probe + "; last lines of its log:\n" + tail(logFile));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry on " + probe, e);
            }
            try {
                // a poll interval, not a test wait: the child needs a few seconds to boot
                if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry on " + probe, e);
            }
        }
        throw new IllegalStateException("the registry did not answer 200 on " + probe + " within " + timeout.toMillis()
                + " ms (last: " + last + "); last lines of its log:\n" + tail(logFile));
    }

    private static void destroy(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("registry pid {} did not stop within 10 s: killing it", process.pid());
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String tail(Path logFile) {
        try (Stream<String> lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static String javaExecutable() {
        Path java = Paths.get(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
