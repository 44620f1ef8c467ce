package io.convoy.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.convoy.cli.ProgressPrinter;
import io.convoy.cli.Project;
import io.convoy.cli.RevisionFormat;
import io.convoy.core.apply.CheckReport;
import io.convoy.core.apply.Migrator;
import io.convoy.core.config.ConfigKey;
import io.convoy.core.config.ConvoyConfig;
import io.convoy.core.config.Durations;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.RevisionGraph;
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
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "local", description = {"Start a real PostgreSQL 15 (primary + streaming standby, 127.0.0.1), create three example",
        "target databases, upgrade each to head, and print current and history for each.",
        "Where PostgreSQL listens is printed and written to .convoy/local.json. Exit 0 when every target is at head."})
public final class LocalCommand extends AbstractCommand {
    /** The example target databases (the pipeline will roll revisions out to them over Kafka later). */
    public static final List<String> TARGETS = List.of("scraper_eu", "scraper_us", "scraper_apac");

    @Option(names = "--project", paramLabel = "<dir>", defaultValue = "examples/scraper",
            description = "project directory with convoy.yaml and its versions (default: ${DEFAULT-VALUE})")
    Path projectDir;

    @Option(names = "--keep-running", description = "keep PostgreSQL running until Ctrl-C")
    boolean keepRunning;

    @Option(names = "--no-standby", negatable = false, description = "start the primary only")
    boolean noStandby;

    @Override
    int execute() throws Exception {
        PrintWriter out = out();
        Path dir = root.context().workingDirectory().resolve(projectDir).normalize();
        if (!Files.isDirectory(dir)) {
            throw new ConvoyException(ErrorCode.MIG020, "project directory " + dir + " does not exist (--project)");
        }
        ConvoyConfig base = root.config(dir);
        RevisionGraph graph = new Project(base, root.context().clock()).graph();
        out.println("Project " + dir + ": " + graph.revisions().size() + " revisions, head " + heads(graph.heads()));

        out.println("Starting PostgreSQL 15 (" + (noStandby ? "primary" : "primary + streaming standby") + ") on 127.0.0.1 …");
        out.flush();
        long t0 = System.nanoTime();
        PostgresCluster cluster = PostgresCluster.builder().withStandby(!noStandby).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Path json = root.context().workingDirectory().resolve(".convoy").resolve("local.json");
        Thread hook = new Thread(() -> {
            cluster.close();
            markStopped(json);
            stopped.countDown();
        }, "convoy-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean hookRan = false;
        try {
            out.println("  primary  " + cluster.host() + ":" + cluster.port() + " (started in " + Durations.human(cluster.primaryStartup()) + ")");
            if (cluster.hasStandby()) {
                out.println("  standby  " + cluster.host() + ":" + cluster.standbyPort() + " (streaming from the primary, made in "
                        + Durations.human(cluster.standbyStartup()) + ")");
            }
            RevisionFormat fmt = new RevisionFormat(graph);
            boolean allAtHead = true;
            List<Map<String, Object>> targets = new ArrayList<>();
            for (String db : TARGETS) {
                out.println();
                out.println("== " + db);
                cluster.createDatabase(db);
                ConvoyConfig config = base.with(ConfigKey.URL, cluster.jdbcUrl(db), "convoy local", dir);
                Project project = new Project(config, root.context().clock());
                ProgressPrinter progress = new ProgressPrinter(out, root.verbose(), "  ");
                Migrator migrator = project.migrator(progress);
                long t1 = System.nanoTime();
                ApplyCommand.apply(project, graph, migrator, progress, Direction.UPGRADE, "heads", out, "  ");
                Duration took = Duration.ofNanos(System.nanoTime() - t1);
                out.println("  current:");
                Reports.current(out, fmt, migrator.currentHeads(), false, project.target(), List.of(), "    ");
                out.println("  history:");
                Reports.history(out, fmt, reversed(graph), migrator.currentHeads(), true, false, Optional.empty(), "    ");
                CheckReport report = migrator.check(graph);
                allAtHead &= report.worst().isEmpty();
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("database", db);
                t.put("url", cluster.jdbcUrl(db));
                if (cluster.hasStandby()) {
                    t.put("standbyUrl", cluster.standbyJdbcUrl(db));
                }
                t.put("heads", List.copyOf(migrator.currentHeads()));
                t.put("atHead", report.worst().isEmpty());
                t.put("upgradeMillis", took.toMillis());
                targets.add(t);
            }
            writeLocalJson(json, cluster, targets, Duration.ofNanos(System.nanoTime() - t0));
            out.println();
            out.println("PostgreSQL listens on " + cluster.host() + ":" + cluster.port() + " (primary)"
                    + (cluster.hasStandby() ? " and " + cluster.host() + ":" + cluster.standbyPort() + " (standby)" : "")
                    + ", user postgres, no password (loopback only)");
            out.println("  e.g. psql " + "'postgresql://postgres@" + cluster.host() + ":" + cluster.port() + "/" + TARGETS.get(0) + "'");
            out.println("Wrote " + json);
            out.println(allAtHead ? "All " + TARGETS.size() + " targets at head in " + Durations.human(Duration.ofNanos(System.nanoTime() - t0)) + "."
                    : "Not every target is at head: see above.");
            if (keepRunning) {
                out.println("PostgreSQL keeps running; press Ctrl-C to stop it.");
                out.flush();
                stopped.await();
                hookRan = true;
            }
            return allAtHead ? 0 : ErrorCode.MIG005.exitCode();
        } finally {
            if (!hookRan) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
                cluster.close();
                markStopped(json);
            }
        }
    }

    /** PostgreSQL is gone: say so in local.json rather than leave addresses that no longer answer. */
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

    private static List<io.convoy.core.script.Revision> reversed(RevisionGraph graph) {
        List<io.convoy.core.script.Revision> r = new ArrayList<>(graph.revisions());
        java.util.Collections.reverse(r);
        return r;
    }

    private void writeLocalJson(Path file, PostgresCluster cluster, List<Map<String, Object>> targets, Duration took) throws IOException {
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("host", cluster.host());
        pg.put("port", cluster.port());
        pg.put("user", PostgresCluster.USER);
        if (cluster.hasStandby()) {
            pg.put("standbyPort", cluster.standbyPort());
        }
        pg.put("primaryStartupMillis", cluster.primaryStartup().toMillis());
        pg.put("standbyStartupMillis", cluster.standbyStartup().toMillis());
        pg.put("dataDirectory", cluster.directory().toString());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("startedAt", root.context().clock().instant().toString());
        doc.put("pid", ProcessHandle.current().pid());
        doc.put("running", true);
        doc.put("keepRunning", keepRunning);
        doc.put("postgres", pg);
        doc.put("targets", targets);
        doc.put("totalMillis", took.toMillis());
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    }
}
