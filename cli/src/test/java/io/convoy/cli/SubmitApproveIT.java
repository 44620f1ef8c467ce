package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.convoy.audit.ChainVerifier;
import io.convoy.audit.NdjsonLog;
import io.convoy.cli.pipeline.LocalPipeline;
import io.convoy.cli.pipeline.PipelineClient;
import io.convoy.executor.step.StepGate;
import io.convoy.planner.PlannerService;
import io.convoy.planner.config.PlannerConfig;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.LintFinding;
import io.convoy.schemas.avro.LintNote;
import io.convoy.schemas.avro.LintSeverity;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.convoy.testkit.kafka.TopicContents;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code convoy submit --approve} through the real pipeline: a KRaft broker, Apicurio registry and PostgreSQL, the
 * planner with lint on (its shadow PostgreSQL), one executor and the audit sink (NDJSON), started once for the class.
 * Revision {@value #INDEX} builds an index without CONCURRENTLY on a table an earlier revision created (CV002, an
 * error), updates the whole table (CV012, a warning) and sets a column default (CV011, an info).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubmitApproveIT {
    private static final String TARGET = "shop_eu";
    private static final String CREATE = "aa11bb22cc33";
    private static final String INDEX = "dd44ee55ff66";
    private static final Duration WAIT = Duration.ofMinutes(3);

    private static Path work;
    private static LocalPipeline pipeline;
    private static PlannerService planner;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("convoy-approve-it-");
        Path versions = Files.createDirectories(work.resolve("project").resolve("versions"));
        Files.writeString(versions.resolve(CREATE + "_create_items.sql"), """
                -- convoy:revision: %s
                -- convoy:message: create items

                -- convoy:upgrade
                CREATE TABLE items (id bigint PRIMARY KEY, name text, n int);

                -- convoy:downgrade
                DROP TABLE items;
                """.formatted(CREATE));
        Files.writeString(versions.resolve(INDEX + "_index_items.sql"), """
                -- convoy:revision: %s
                -- convoy:down_revision: %s
                -- convoy:message: index items by name

                -- convoy:upgrade
                CREATE INDEX items_name_idx ON items (name);
                UPDATE items SET n = 0;
                ALTER TABLE items ALTER COLUMN n SET DEFAULT 5;

                -- convoy:downgrade
                ALTER TABLE items ALTER COLUMN n DROP DEFAULT;
                DROP INDEX items_name_idx;
                """.formatted(INDEX, CREATE));
        pipeline = LocalPipeline.startParts(work.resolve("local"), versions, List.of(TARGET), false);
        planner = new PlannerService(pipeline.plannerConfig().with(PlannerConfig.Key.LINT, "true")
                .with(PlannerConfig.Key.LINT_ROWS, "100"));
        planner.start();
        assertThat(planner.awaitRunning(Duration.ofSeconds(120))).as("planner running").isTrue();
        pipeline.startExecutor("it-1", StepGate.OPEN);
        pipeline.startAuditSink(java.util.Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (planner != null) {
            planner.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void withoutApprovalTheErrorFindingRejectsTheRequestAndNoCommandIsEmitted() throws Exception {
        CliRun r = convoy("submit", "--target", TARGET, "--to", "heads", "--wait", "--request-id", "it-unapproved");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(17); // MIG007
        assertThat(r.err()).contains("REJECTED").contains("MIG007").contains("lint rule CV002 on " + INDEX)
                .contains("approve with CV002");
        assertThat(r.err()).as("warnings and infos do not block").doesNotContain("CV012").doesNotContain("CV011");
        assertThat(planEvents("it-unapproved")).filteredOn(e -> e.getStatus() == PlanStatus.REJECTED).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getErrorCode()).isEqualTo("MIG007"));
        assertThat(commands("it-unapproved")).isEmpty();
        assertThat(tables()).doesNotContain("items");
    }

    @Test
    @Order(2)
    void approvingTheRuleLetsTheRequestThroughAndTheCommandsAndAuditTrailCarryEveryFinding() throws Exception {
        CliRun r = convoy("submit", "--target", TARGET, "--to", "heads", "--wait", "--request-id", "it-approved",
                "--approve", "cv002", "--reason", "items is small; DBA approved the blocking index build", "--as", "dba");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("request it-approved COMPLETED");
        assertThat(tables()).contains("items");

        assertThat(planEvents("it-approved")).filteredOn(e -> e.getStatus() == PlanStatus.ACCEPTED && e.getTargetId() != null)
                .singleElement().satisfies(e -> assertThat(e.getReason())
                        .contains("approved lint findings: CV002 on " + INDEX).contains("public.items"));

        List<MigrationCommand> commands = commands("it-approved");
        assertThat(commands).extracting(c -> c.getRevision()).containsExactly(CREATE, INDEX);
        assertThat(commands.get(0).getLintFindings()).as("a new table: nothing to say").isEmpty();
        MigrationCommand index = commands.get(1);
        assertThat(index.getLintFindings()).extracting(f -> f.getRule() + " " + f.getSeverity() + " " + f.getApproved()
                + " #" + f.getStatementIndex()).containsExactlyInAnyOrder("CV002 ERROR true #0", "CV012 WARNING false #1",
                "CV011 INFO false #2");
        LintFinding cv002 = index.getLintFindings().stream().filter(f -> f.getRule().equals("CV002")).findFirst().orElseThrow();
        assertThat(cv002.getRelation()).isEqualTo("public.items");
        assertThat(cv002.getLockMode()).isEqualTo("ShareLock");
        assertThat(cv002.getErrorCode()).isEqualTo("MIG007");
        assertThat(cv002.getSuggestion()).contains("CREATE INDEX CONCURRENTLY");
        assertThat(index.getStatements().get(cv002.getStatementIndex()).getSql()).startsWith("CREATE INDEX items_name_idx");
        assertThat(index.getLintFindings()).filteredOn(f -> f.getSeverity() != LintSeverity.ERROR)
                .allSatisfy(f -> assertThat(f.getErrorCode()).isNull());
        assertThat(index.getApprovedFindings()).extracting(LintNote::getRule).containsExactly("CV002");

        // the audit trail: the request's approval, the command's findings
        await().atMost(WAIT).untilAsserted(() -> {
            List<JsonNode> audit = audit();
            assertThat(audit).filteredOn(a -> a.at("/convoy/source/topic").asText().equals(Topics.REQUESTS.name())
                    && a.at("/convoy/request").asText().equals("it-approved")).singleElement()
                    .satisfies(a -> assertThat(a.at("/convoy/lint/approved").toString()).isEqualTo("[\"CV002\"]"));
            assertThat(audit).filteredOn(a -> a.at("/convoy/source/topic").asText().equals(Topics.COMMANDS.name())
                    && a.at("/convoy/command").asText().equals(index.getCommandId())).singleElement()
                    .satisfies(a -> {
                        assertThat(texts(a.at("/convoy/lint/rules"))).containsExactlyInAnyOrder("CV002", "CV012", "CV011");
                        assertThat(texts(a.at("/convoy/lint/severities"))).containsExactlyInAnyOrder("error", "warning", "info");
                        assertThat(a.at("/convoy/lint/count").asInt()).isEqualTo(3);
                        assertThat(a.at("/convoy/lint/worst").asText()).isEqualTo("error");
                        assertThat(a.at("/convoy/lint/approved").toString()).isEqualTo("[\"CV002\"]");
                    });
        });
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static CliRun convoy(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(pipeline.bootstrapServers());
        all.add("--schema-registry-url");
        all.add(pipeline.registryUrl());
        return CliRun.run(work, Map.of(), all.toArray(String[]::new));
    }

    private static List<PlanEvent> planEvents(String requestId) {
        return new PipelineClient(pipeline.endpoints()).snapshot().planEvents().stream()
                .filter(e -> e.getRequestId().equals(requestId)).toList();
    }

    private static List<MigrationCommand> commands(String requestId) {
        SerdeConfig serdes = SerdeConfig.of(new SchemaRegistryClient(pipeline.registryUrl()));
        return read(Topics.COMMANDS.name(), Topics.COMMANDS.valueSerde(serdes).deserializer()).stream()
                .filter(c -> c.getRequestId().equals(requestId)).sorted((a, b) -> Integer.compare(a.getStepIndex(), b.getStepIndex()))
                .toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<JsonNode> audit() {
        List<JsonNode> out = new ArrayList<>();
        NdjsonLog.read(pipeline.auditDirectory()).forEachRemaining((ChainVerifier.Located l) -> out.add(l.record()));
        return out;
    }

    private static <V> List<V> read(String topic, Deserializer<V> values) {
        return TopicContents.readAll(pipeline.bootstrapServers(), topic, values);
    }

    private static List<String> tables() throws Exception {
        try (Connection c = pipeline.postgres().connect(TARGET); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select table_name from information_schema.tables where table_schema = 'public'")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
