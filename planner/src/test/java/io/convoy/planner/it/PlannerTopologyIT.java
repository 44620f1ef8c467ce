package io.convoy.planner.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.planner.PlannerService;
import io.convoy.planner.TestFleet;
import io.convoy.planner.TestGraph;
import io.convoy.planner.config.PlannerConfig;
import io.convoy.planner.ledger.RequestLedger;
import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.lint.PlanLinter;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.RequestValidator;
import io.convoy.planner.plan.TargetPlanner;
import io.convoy.planner.stream.PlannerTopology;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.TargetSelection;
import io.convoy.schemas.avro.TargetState;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology in a TopologyTestDriver, with real serdes backed by a real registry: what depends on the wall clock
 * (waiting for a target's state, forgetting finished requests) is driven by the driver's clock, to the millisecond.
 * An IT because of the registry; one driver (and state directory) per test.
 */
class PlannerTopologyIT {
    private static final Instant T0 = Instant.parse("2025-06-01T00:00:00Z");

    private static EmbeddedRegistry registry;
    private static SerdeConfig serdes;
    private Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, MigrationRequest> requests;
    private TestInputTopic<byte[], byte[]> rawRequests;
    private TestInputTopic<String, TargetState> states;
    private TestOutputTopic<String, PlanEvent> events;
    private TestOutputTopic<String, MigrationCommand> commands;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedRegistry.start();
        serdes = SerdeConfig.of(new SchemaRegistryClient(registry.ccompatUrl()));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void startDriver() throws IOException {
        stateDir = Files.createTempDirectory("convoy-planner-ttd-");
        PlannerConfig config = PlannerConfig.defaults(stateDir)
                .with(PlannerConfig.Key.STATE_DIR, stateDir.toString())
                .with(PlannerConfig.Key.APPLICATION_ID, "planner-ttd");
        RequestLedger requestLedger = new RequestLedger(new RequestValidator(TestFleet.of(10), TestGraph.graph()));
        TargetLedger targetLedger = new TargetLedger(new TargetPlanner(TestGraph.graph(), PlanLinter.NONE),
                new CommandFactory(Duration.ofSeconds(2), Optional.empty()), Duration.ofSeconds(3));
        PlannerTopology.Settings settings = new PlannerTopology.Settings(1, 1, Duration.ofMillis(100), Duration.ofHours(1));
        Properties props = PlannerService.streamsProperties(config);
        driver = new TopologyTestDriver(PlannerTopology.build(requestLedger, targetLedger, serdes, settings), props, T0);
        requests = driver.createInputTopic(Topics.REQUESTS.name(), new StringSerializer(), Topics.REQUESTS.valueSerde(serdes).serializer());
        rawRequests = driver.createInputTopic(Topics.REQUESTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        states = driver.createInputTopic(Topics.TARGET_STATE.name(), new StringSerializer(), Topics.TARGET_STATE.valueSerde(serdes).serializer());
        events = driver.createOutputTopic(Topics.PLAN_EVENTS.name(), new StringDeserializer(), Topics.PLAN_EVENTS.valueSerde(serdes).deserializer());
        commands = driver.createOutputTopic(Topics.COMMANDS.name(), new StringDeserializer(), Topics.COMMANDS.valueSerde(serdes).deserializer());
        deadLetters = driver.createOutputTopic(Topics.DLQ.name(), new StringDeserializer(), Topics.DLQ.valueSerde(serdes).deserializer());
    }

    @AfterEach
    void closeDriver() throws IOException {
        if (driver != null) {
            driver.close();
        }
        try (Stream<Path> all = Files.walk(stateDir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aTargetWithoutStateIsRejectedExactlyWhenTheWaitIsOver() {
        requests.pipeInput("w1", request("w1", "a1", "t01", "t02"));
        states.pipeInput("t02", state("t02"));
        assertThat(newEvents()).extracting(e -> e.getTargetId() + ":" + e.getStatus()).containsExactly("t02:ACCEPTED");

        driver.advanceWallClockTime(Duration.ofMillis(2_999));
        assertThat(newEvents()).isEmpty();
        driver.advanceWallClockTime(Duration.ofMillis(1));
        List<PlanEvent> expired = newEvents();
        assertThat(expired).extracting(e -> e.getTargetId() + ":" + e.getStatus() + ":" + e.getErrorCode())
                .containsExactly("t01:REJECTED:MIG021", "null:ACCEPTED:null");
        assertThat(expired.get(0).getOccurredAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(commands.readValuesToList()).extracting(MigrationCommand::getTargetId).containsExactly("t02");
    }

    @Test
    void aStateArrivingInTimeReleasesTheWaitingOrders() {
        requests.pipeInput("w2", request("w2", "a1", "t03"));
        driver.advanceWallClockTime(Duration.ofMillis(2_900));
        assertThat(newEvents()).isEmpty();
        states.pipeInput("t03", state("t03"));
        assertThat(newEvents()).extracting(e -> e.getTargetId() + ":" + e.getStatus())
                .containsExactly("t03:ACCEPTED", "null:ACCEPTED");
        assertThat(commands.readValuesToList()).singleElement().satisfies(c -> {
            assertThat(c.getCreatedAt()).isEqualTo(T0.plusMillis(2_900));
            assertThat(c.getExpectedFromHeads()).isEmpty();
        });
        driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(newEvents()).isEmpty();
    }

    @Test
    void aFinishedRequestIsRememberedForTheRetentionThenForgotten() {
        requests.pipeInput("f1", request("f1", "zz99", "t04"));
        assertThat(newEvents()).extracting(PlanEvent::getStatus).containsExactly(PlanStatus.REJECTED);
        requests.pipeInput("f1", request("f1", "zz99", "t04"));
        assertThat(newEvents()).as("a duplicate").isEmpty();

        driver.advanceWallClockTime(Duration.ofMinutes(59));
        requests.pipeInput("f1", request("f1", "zz99", "t04"));
        assertThat(newEvents()).as("still remembered").isEmpty();
        driver.advanceWallClockTime(Duration.ofMinutes(7)); // retention 1 h, purged every 6 min
        requests.pipeInput("f1", request("f1", "zz99", "t04"));
        assertThat(newEvents()).as("forgotten, so seen as new").extracting(PlanEvent::getStatus).containsExactly(PlanStatus.REJECTED);
    }

    @Test
    void aRequestWhoseKeyIsNotItsIdIsRejectedAndNotRemembered() {
        requests.pipeInput("other-key", request("k1", "a1", "t05"));
        assertThat(newEvents()).singleElement().satisfies(e -> {
            assertThat(e.getRequestId()).isEqualTo("k1");
            assertThat(e.getStatus()).isEqualTo(PlanStatus.REJECTED);
            assertThat(e.getReason()).contains("'other-key' differs from request_id 'k1'");
        });
        states.pipeInput("t05", state("t05"));
        requests.pipeInput("k1", request("k1", "a1", "t05"));
        assertThat(newEvents()).extracting(PlanEvent::getStatus).containsExactly(PlanStatus.ACCEPTED, PlanStatus.ACCEPTED);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aTombstoneRequestIsSetAsideAndAnswered() {
        rawRequests.pipeInput("tomb-1".getBytes(java.nio.charset.StandardCharsets.UTF_8), (byte[]) null);
        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getValue()).isNull();
        assertThat(letter.getReason()).contains("no value");
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.REQUESTS.name());
        assertThat(newEvents()).singleElement().satisfies(e -> {
            assertThat(e.getRequestId()).isEqualTo("tomb-1");
            assertThat(e.getStatus()).isEqualTo(PlanStatus.REJECTED);
            assertThat(e.getErrorCode()).isEqualTo("MIG020");
        });
    }

    @Test
    void aStateKeyedByAnotherTargetIsSetAsideAndNotBelieved() {
        states.pipeInput("t07", state("t06"));
        assertThat(deadLetters.readValue().getReason()).contains("key 't07' is not its target_id 't06'");
        requests.pipeInput("s1", request("s1", "a1", "t06", "t07"));
        assertThat(newEvents()).as("both targets still wait for their state").isEmpty();
        assertThat(commands.isEmpty()).isTrue();
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private List<PlanEvent> newEvents() {
        return events.readValuesToList();
    }

    private static MigrationRequest request(String id, String revision, String... targets) {
        return MigrationRequest.newBuilder().setRequestId(id).setRequestedBy("ttd")
                .setTargets(TargetSelection.newBuilder().setTargetIds(List.of(targets)).setSelector(Map.of()).build())
                .setTargetRevision(revision).setDirection(Direction.UPGRADE).setDryRun(false).setTicket(null)
                .setReason(null).setCreatedAt(T0).setApprovals(List.of()).build();
    }

    private static TargetState state(String target, String... heads) {
        return TargetState.newBuilder().setTargetId(target).setHeads(List.of(heads)).setLastPlanId(null)
                .setLastErrorCode(null).setUpdatedAt(T0).build();
    }
}
