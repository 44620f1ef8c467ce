package io.convoy.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.convoy.cli.Project;
import io.convoy.cli.pipeline.EventFormat;
import io.convoy.cli.pipeline.LocalPipeline;
import io.convoy.cli.pipeline.PipelineClient;
import io.convoy.cli.pipeline.RequestFollower;
import io.convoy.core.config.ConvoyConfig;
import io.convoy.core.config.Durations;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.TargetSelection;
import io.convoy.schemas.avro.TargetState;
import io.convoy.testkit.postgres.PostgresCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "local", description = {"The whole pipeline in one process, on 127.0.0.1: a Kafka (KRaft) broker, an Apicurio schema",
        "registry, PostgreSQL 15 primary + streaming standby with three example target databases, the planner, two",
        "executors, the monitor (over the primary and its standby) and the audit sink (NDJSON files; --search also indexes",
        "into an in-JVM OpenSearch). Submits the example migrations to head, shows per-target progress, prints and writes",
        "where everything listens (/metrics and /health of each service) to .convoy/local.json. Exit 0 when every target",
        "is at head; --keep-running keeps it all up until Ctrl-C."})
public final class LocalCommand extends AbstractCommand {
    /** The example target databases (and target ids). */
    public static final List<String> TARGETS = List.of("scraper_eu", "scraper_us", "scraper_apac");

    @Option(names = "--project", paramLabel = "<dir>", defaultValue = "examples/scraper",
            description = "project directory with convoy.yaml and its versions (default: ${DEFAULT-VALUE})")
    Path projectDir;

    @Option(names = "--keep-running", description = "keep everything running until Ctrl-C (for submit/status/watch from another shell)")
    boolean keepRunning;

    @Option(names = "--no-standby", negatable = false, description = "start the PostgreSQL primary only")
    boolean noStandby;

    @Option(names = "--search", description = {"also start an in-JVM OpenSearch 2.19 node and index the audit trail into its data",
            "stream (opt-in: ~350 MB, and its start-up, 7-8 s on an idle machine, took 70 s on the loaded 2-core one, in",
            "parallel with the services); without it the audit trail goes to the NDJSON files only"})
    boolean search;

    @Override
    int execute() throws Exception {
        PrintWriter out = out();
        Path dir = root.context().workingDirectory().resolve(projectDir).normalize();
        if (!Files.isDirectory(dir)) {
            throw new ConvoyException(ErrorCode.MIG020, "project directory " + dir + " does not exist (--project)");
        }
        ConvoyConfig base = root.config(dir);
        RevisionGraph graph = new Project(base, root.context().clock()).graph();
        Set<String> head = new TreeSet<>(graph.heads());
        out.println("Project " + dir + ": " + graph.revisions().size() + " revisions, head " + heads(head));
        out.println("Starting Kafka (KRaft), Apicurio registry, PostgreSQL 15 (" + (noStandby ? "primary" : "primary + standby")
                + ") on 127.0.0.1 …");
        out.flush();
        long t0 = System.nanoTime();
        Path convoyDir = root.context().workingDirectory().resolve(".convoy");
        Path json = convoyDir.resolve("local.json");
        LocalPipeline pipeline = LocalPipeline.startParts(convoyDir.resolve("local"), base.versionsDirectory(), TARGETS, !noStandby);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            pipeline.close();
            markStopped(json);
            stopped.countDown();
        }, "convoy-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean hookRan = false;
        try {
            PostgresCluster pg = pipeline.postgres();
            out.println("  kafka     " + pipeline.bootstrapServers() + " (" + ms(pipeline.kafka().startupTime()) + ")");
            out.println("  registry  " + pipeline.registryUrl() + " (" + ms(pipeline.registry().startupTime()) + ")");
            out.println("  primary   " + pg.host() + ":" + pg.port() + " (" + ms(pg.primaryStartup()) + ")");
            if (pg.hasStandby()) {
                out.println("  standby   " + pg.host() + ":" + pg.standbyPort() + " (streaming, " + ms(pg.standbyStartup()) + ")");
            }
            out.println("Starting the planner, two executors (group " + LocalPipeline.GROUP + "), the monitor and the audit sink"
                    + (search ? " with OpenSearch" : "") + " …");
            out.flush();
            java.util.concurrent.CompletableFuture<Optional<String>> searchStart = search
                    ? java.util.concurrent.CompletableFuture.supplyAsync(() -> Optional.of(pipeline.startSearch().httpUrl()))
                    : java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
            pipeline.startPlanner();
            pipeline.startExecutor("local-1", io.convoy.executor.step.StepGate.OPEN);
            pipeline.startExecutor("local-2", io.convoy.executor.step.StepGate.OPEN);
            pipeline.startMonitor(Map.of());
            Optional<String> searchUrl = searchStart.join();
            pipeline.startAuditSink(searchUrl);
            writeLocalJson(json, pipeline, dir);
            out.println("  planner, executors, monitor and audit sink up after " + ms(Duration.ofNanos(System.nanoTime() - t0))
                    + pipeline.search().map(os -> " (OpenSearch " + ms(os.startupTime()) + ", in parallel)").orElse(""));

            String requestId = "local-" + UUID.randomUUID();
            MigrationRequest request = MigrationRequest.newBuilder().setRequestId(requestId).setRequestedBy("convoy local")
                    .setTargets(TargetSelection.newBuilder().setTargetIds(List.of()).setSelector(Map.of("env", "dev")).build())
                    .setTargetRevision("heads").setDirection(Direction.UPGRADE).setDryRun(false)
                    .setTicket(null).setReason("convoy local: example migrations to head")
                    .setCreatedAt(root.context().clock().instant()).setApprovals(List.of()).build();
            PipelineClient client = new PipelineClient(pipeline.endpoints());
            long t1 = System.nanoTime();
            out.println();
            out.println("Submitted " + requestId + " (upgrade heads, selector env=dev):");
            Optional<RequestFollower.Outcome> outcome;
            try (PipelineClient.Follow follow = client.follow(false)) {
                client.submit(request);
                outcome = follow.until(new RequestFollower(requestId, false), line -> {
                    out.println("  " + line);
                    out.flush();
                }, Duration.ofMinutes(10));
            }
            Duration rollout = Duration.ofNanos(System.nanoTime() - t1);
            Map<String, TargetState> states = client.snapshot().states();
            out.println();
            int atHead = 0;
            for (String t : TARGETS) {
                TargetState s = states.get(t);
                boolean at = s != null && new TreeSet<>(s.getHeads()).equals(head);
                atHead += at ? 1 : 0;
                out.printf("  %-14s %s%s%n", t, s == null ? "no state" : EventFormat.heads(List.copyOf(s.getHeads())), at ? " (head)" : "");
            }
            out.println();
            out.println("Where everything listens (also in " + json + "):");
            out.println("  Kafka bootstrap servers  " + pipeline.bootstrapServers());
            out.println("  schema registry          " + pipeline.registryUrl());
            out.println("  PostgreSQL               " + pg.host() + ":" + pg.port() + (pg.hasStandby() ? " (standby " + pg.standbyPort() + ")" : "")
                    + ", user postgres, no password (loopback only)");
            out.println("  fleet / targets files    " + pipeline.fleetFile() + ", " + pipeline.targetsFile());
            out.println("  monitor clusters file    " + pipeline.clustersFile());
            for (Map.Entry<String, Integer> e : metricsPorts(pipeline).entrySet()) {
                String url = "http://127.0.0.1:" + e.getValue();
                out.printf("  %-24s %s/metrics  %s/health%n", e.getKey() + " metrics/health", url, url);
            }
            out.println("  audit NDJSON files       " + pipeline.auditDirectory());
            out.println("  audit index              " + pipeline.search().map(os -> os.httpUrl() + " data stream "
                    + pipeline.auditDataStream().orElse("?")).orElse("off (--search indexes into an in-JVM OpenSearch)"));
            out.println("  e.g. psql 'postgresql://postgres@" + pg.host() + ":" + pg.port() + "/" + TARGETS.get(0) + "'");
            boolean ok = outcome.map(o -> o.exitCode() == 0).orElse(false) && atHead == TARGETS.size();
            Duration total = Duration.ofNanos(System.nanoTime() - t0);
            out.println(ok ? "All " + TARGETS.size() + " targets at head in " + Durations.human(total) + " (rollout "
                    + Durations.human(rollout) + ")." : atHead + " of " + TARGETS.size() + " targets at head: see above.");
            if (keepRunning) {
                out.println("Everything keeps running; try `convoy status --project " + projectDir + "` from another shell. Ctrl-C stops it.");
                out.flush();
                stopped.await();
                hookRan = true;
            }
            if (ok) {
                return 0;
            }
            return outcome.filter(o -> o.exitCode() != 0).map(RequestFollower.Outcome::exitCode).orElse(ErrorCode.MIG005.exitCode());
        } finally {
            if (!hookRan) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
                pipeline.close();
                markStopped(json);
            }
        }
    }

    private static final String EXECUTOR_PREFIX = "executor ";

    /** The services serving /metrics and /health, by name, with their ports. */
    private static Map<String, Integer> metricsPorts(LocalPipeline p) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        p.planner().flatMap(io.convoy.planner.PlannerService::metricsPort).ifPresent(port -> ports.put("planner", port));
        for (io.convoy.executor.ExecutorService e : p.executors()) {
            e.metricsPort().ifPresent(port -> ports.put(EXECUTOR_PREFIX + e.executorId(), port));
        }
        p.monitor().flatMap(io.convoy.monitor.MonitorService::metricsPort).ifPresent(port -> ports.put("monitor", port));
        return ports;
    }

    private static String ms(Duration d) {
        return Durations.human(d);
    }

    /** Everything is gone: say so in local.json rather than leave addresses that no longer answer. */
    private void markStopped(Path json) {
        try {
            if (Files.exists(json)) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                @SuppressWarnings("unchecked")
                Map<String, Object> doc = mapper.readValue(json.toFile(), LinkedHashMap.class);
                doc.put("running", false);
                doc.put("stoppedAt", root.context().clock().instant().toString());
                mapper.writeValue(json.toFile(), doc);
            }
        } catch (IOException e) {
            err().println("could not update " + json + ": " + e.getMessage());
        }
    }

    private void writeLocalJson(Path file, LocalPipeline p, Path project) throws IOException {
        PostgresCluster cluster = p.postgres();
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("host", cluster.host());
        pg.put("port", cluster.port());
        pg.put("user", PostgresCluster.USER);
        if (cluster.hasStandby()) {
            pg.put("standbyPort", cluster.standbyPort());
        }
        pg.put("dataDirectory", cluster.directory().toString());
        List<Map<String, Object>> targets = new ArrayList<>();
        for (String t : TARGETS) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t);
            m.put("url", cluster.jdbcUrl(t));
            if (cluster.hasStandby()) {
                m.put("standbyUrl", cluster.standbyJdbcUrl(t));
            }
            targets.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("startedAt", root.context().clock().instant().toString());
        doc.put("pid", ProcessHandle.current().pid());
        doc.put("running", true);
        doc.put("keepRunning", keepRunning);
        doc.put("kafka", Map.of("bootstrapServers", p.bootstrapServers()));
        doc.put("registry", Map.of("url", p.registryUrl()));
        doc.put("postgres", pg);
        doc.put("targets", targets);
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("project", project.toString());
        files.put("fleet", p.fleetFile().toString());
        files.put("targets", p.targetsFile().toString());
        files.put("clusters", p.clustersFile().toString());
        files.put("monitor", p.workDir().resolve("monitor.yaml").toString());
        files.put("work", p.workDir().toString());
        doc.put("files", files);
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Object> executorEndpoints = new LinkedHashMap<>();
        metricsPorts(p).forEach((name, port) -> {
            Map<String, String> endpoints = Map.of("metrics", "http://127.0.0.1:" + port + "/metrics",
                    "health", "http://127.0.0.1:" + port + "/health");
            if (name.startsWith(EXECUTOR_PREFIX)) {
                executorEndpoints.put(name.substring(EXECUTOR_PREFIX.length()), endpoints);
            } else {
                services.put(name, endpoints);
            }
        });
        List<String> executorIds = p.executors().stream().map(io.convoy.executor.ExecutorService::executorId).toList();
        services.put("executors", Map.of("group", LocalPipeline.GROUP, "ids", executorIds, "endpoints", executorEndpoints));
        doc.put("services", services);
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("directory", p.auditDirectory().toString());
        audit.put("searchUrl", p.search().map(io.convoy.testkit.opensearch.EmbeddedOpenSearch::httpUrl).orElse(null));
        audit.put("dataStream", p.auditDataStream().orElse(null));
        doc.put("audit", audit);
        Map<String, Object> startup = new LinkedHashMap<>();
        p.startupTimes().forEach((k, v) -> startup.put(k, v.toMillis()));
        doc.put("startupMillis", startup);
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    }
}
