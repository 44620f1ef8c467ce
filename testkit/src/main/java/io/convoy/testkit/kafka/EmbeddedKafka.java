package io.convoy.testkit.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: one KRaft node in combined mode (broker and controller), listening on
 * 127.0.0.1 only, on free ports, with its data in a temporary directory deleted on {@link #close()}.
 *
 * <p>Test-friendly defaults: internal topics with replication 1, no initial rebalance delay, no automatic
 * topic creation (topics are created explicitly, as in production). Override any broker setting with
 * {@link Builder#brokerProperty}.
 *
 * <p>While any instance runs, Kafka's {@link Exit} halt and exit procedures are replaced so that a fatal fault
 * in the broker is logged and remembered ({@link #lastFatalError()}) instead of killing the JVM.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Object EXIT_GUARD_LOCK = new Object();
    private static int exitGuardUsers;
    private static final AtomicReference<String> LAST_FATAL = new AtomicReference<>();
    private static final AtomicLong FATAL_COUNT = new AtomicLong();

    private final Path directory;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Duration startupTime;
    private boolean closed;

    private EmbeddedKafka(Path directory, KafkaRaftServer server, String bootstrapServers, Duration startupTime) {
        this.directory = directory;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.startupTime = startupTime;
    }

    /** Starts a broker with the default settings. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>} of the broker's client listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client settings pointing at this broker ({@code bootstrap.servers}), to add to producer/consumer configs. */
    public Map<String, Object> clientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** A new admin client of this broker; the caller closes it. */
    public Admin createAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** How long {@link Builder#start()} took, format included, until the broker answered an admin request. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The directory holding the broker's logs (deleted on close). */
    public Path directory() {
        return directory;
    }

    /** The message of the last fatal fault Kafka reported in this JVM (it asked to exit or halt it), if any. */
    public static Optional<String> lastFatalError() {
        return Optional.ofNullable(LAST_FATAL.get());
    }

    /** Stops the broker and deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            releaseExitGuard();
            deleteRecursively(directory);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + "]";
    }

    /** Settings of a broker to start. */
    public static final class Builder {
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** Sets (or overrides) one broker property, e.g. {@code num.partitions}. Listeners and ids are ours. */
        public Builder brokerProperty(String name, String value) {
            overrides.put(name, value);
            return this;
        }

        /** How long to wait for the broker to answer after starting it (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Formats a fresh data directory and starts the broker; returns once it answers an admin request. */
        public EmbeddedKafka start() {
            RuntimeException last = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                try {
                    return startOnce();
                } catch (PortTakenException e) {
                    // another process took one of our free ports between probe and bind: pick new ones
                    last = e;
                    LOG.warn("embedded Kafka could not bind its ports (attempt {}): {}", attempt, e.getMessage());
                }
            }
            throw last;
        }

        private EmbeddedKafka startOnce() {
            long started = System.nanoTime();
            int[] ports = FreePorts.take(2);
            int brokerPort = ports[0];
            int controllerPort = ports[1];
            Path directory;
            try {
                directory = Files.createTempDirectory("convoy-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for the embedded Kafka broker", e);
            }
            Path logDir = directory.resolve("data");
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", Integer.toString(NODE_ID));
            props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
            props.put("controller.listener.names", CONTROLLER_LISTENER);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            props.put("log.dirs", logDir.toString());
            props.put("metadata.log.dir", logDir.toString());
            props.put("auto.create.topics.enable", "false");
            props.put("num.partitions", "1");
            props.put("default.replication.factor", "1");
            props.put("min.insync.replicas", "1");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "5");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "5");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.putAll(overrides);

            KafkaRaftServer server = null;
            installExitGuard();
            long faultsBefore = FATAL_COUNT.get();
            try {
                String clusterId = Uuid.randomUuid().toString();
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setNodeId(NODE_ID)
                        .setClusterId(clusterId)
                        .setDirectories(List.of(logDir.toString()))
                        .setMetadataLogDirectory(Optional.of(logDir.toString()))
                        .setControllerListenerName(CONTROLLER_LISTENER)
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .run();
                server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
                server.startup();
                String bootstrap = "127.0.0.1:" + brokerPort;
                awaitReady(bootstrap, startTimeout, faultsBefore);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                LOG.info("embedded Kafka {} (cluster {}) ready in {} ms", bootstrap, clusterId, took.toMillis());
                return new EmbeddedKafka(directory, server, bootstrap, took);
            } catch (Exception e) {
                if (server != null) {
                    try {
                        server.shutdown();
                        server.awaitShutdown();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                releaseExitGuard();
                deleteRecursively(directory);
                if (isBindFailure(e)) {
                    throw new PortTakenException("port " + brokerPort + " or " + controllerPort + " was taken: " + e.getMessage(), e);
                }
                throw new IllegalStateException("embedded Kafka broker did not start on 127.0.0.1:" + brokerPort + ": " + e.getMessage(), e);
            }
        }
    }

    private static void awaitReady(String bootstrap, Duration timeout, long faultsBefore) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000))) {
            Exception last = null;
            while (System.nanoTime() < deadline) {
                if (FATAL_COUNT.get() != faultsBefore) {
                    throw new IllegalStateException("Kafka reported a fatal fault: " + LAST_FATAL.get());
                }
                try {
                    long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    if (!admin.describeCluster().nodes().get(left, TimeUnit.MILLISECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                }
            }
            throw new IllegalStateException("broker " + bootstrap + " did not answer within " + timeout.toMillis() + " ms", last);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static void installExitGuard() {
        synchronized (EXIT_GUARD_LOCK) {
            if (exitGuardUsers++ == 0) {
                Exit.setExitProcedure((code, message) -> onFatal("exit", code, message));
                Exit.setHaltProcedure((code, message) -> onFatal("halt", code, message));
            }
        }
    }

    private static void releaseExitGuard() {
        synchronized (EXIT_GUARD_LOCK) {
            if (exitGuardUsers > 0 && --exitGuardUsers == 0) {
                Exit.resetExitProcedure();
                Exit.resetHaltProcedure();
            }
        }
    }

    private static void onFatal(String kind, int code, String message) {
        String text = "Kafka asked to " + kind + " the JVM with status " + code + (message == null ? "" : ": " + message);
        LAST_FATAL.set(text);
        FATAL_COUNT.incrementAndGet();
        LOG.error("{} (ignored: embedded broker)", text, new IllegalStateException(text));
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        List<IOException> failures = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                    delete(dir);
                    return FileVisitResult.CONTINUE;
                }

                private void delete(Path path) {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        failures.add(e);
                    }
                }
            });
        } catch (IOException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            LOG.warn("could not delete all of {}: {}", root, failures.get(0).toString());
        }
    }

    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
