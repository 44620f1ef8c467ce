package io.convoy.planner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.planner.TestFleet;
import io.convoy.planner.TestGraph;
import io.convoy.planner.ledger.RequestLedger;
import io.convoy.planner.ledger.TargetLedger;
import io.convoy.planner.lint.PlanLinter;
import io.convoy.planner.plan.CommandFactory;
import io.convoy.planner.plan.RequestValidator;
import io.convoy.planner.plan.TargetPlanner;
import io.convoy.schemas.Topics;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** The shape of the topology: which topics meet on which sub-topology (and so on which tasks). */
class PlannerTopologyTest {
    @Test
    void requestsAndTargetsAreProcessedOnTwoSubTopologiesWhoseInputsAreCoPartitioned() {
        // Building the topology never calls the registry.
        SerdeConfig serdes = SerdeConfig.of(new SchemaRegistryClient("http://127.0.0.1:9/apis/ccompat/v7"));
        TopologyDescription d = PlannerTopology.build(
                new RequestLedger(new RequestValidator(TestFleet.of(3), TestGraph.graph())),
                new TargetLedger(new TargetPlanner(TestGraph.graph(), PlanLinter.NONE),
                        new CommandFactory(Duration.ofSeconds(2), Optional.empty()), Duration.ofMinutes(1)),
                serdes, new PlannerTopology.Settings(3, 12, Duration.ofSeconds(1), Duration.ofDays(1))).describe();

        List<Set<String>> sources = d.subtopologies().stream().map(PlannerTopologyTest::sourceTopics).toList();
        assertThat(sources).containsExactlyInAnyOrder(
                Set.of(Topics.REQUESTS.name(), PlannerTopology.OUTCOMES + "-repartition"),
                Set.of(Topics.TARGET_STATE.name(), Topics.STEP_EVENTS.name(), PlannerTopology.ORDERS + "-repartition"));

        TopologyDescription.Subtopology requestSide = d.subtopologies().stream()
                .filter(s -> sourceTopics(s).contains(Topics.REQUESTS.name())).findFirst().orElseThrow();
        assertThat(sinkTopics(requestSide)).containsExactlyInAnyOrder(Topics.PLAN_EVENTS.name(), Topics.DLQ.name(),
                PlannerTopology.ORDERS + "-repartition");
        assertThat(stores(requestSide)).containsExactly(PlannerTopology.REQUESTS_STORE);
        TopologyDescription.Subtopology targetSide = d.subtopologies().stream()
                .filter(s -> sourceTopics(s).contains(Topics.STEP_EVENTS.name())).findFirst().orElseThrow();
        assertThat(sinkTopics(targetSide)).containsExactlyInAnyOrder(Topics.COMMANDS.name(), Topics.DLQ.name(),
                PlannerTopology.OUTCOMES + "-repartition");
        assertThat(stores(targetSide)).containsExactlyInAnyOrder(PlannerTopology.TARGETS_STORE, PlannerTopology.WAITS_STORE);
        assertThat(d.globalStores()).isEmpty();
    }

    private static Set<String> sourceTopics(TopologyDescription.Subtopology s) {
        return s.nodes().stream().filter(n -> n instanceof TopologyDescription.Source)
                .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream()).collect(Collectors.toSet());
    }

    private static Set<String> sinkTopics(TopologyDescription.Subtopology s) {
        return s.nodes().stream().filter(n -> n instanceof TopologyDescription.Sink)
                .map(n -> ((TopologyDescription.Sink) n).topic()).collect(Collectors.toSet());
    }

    private static Set<String> stores(TopologyDescription.Subtopology s) {
        Set<String> out = new HashSet<>();
        s.nodes().stream().filter(n -> n instanceof TopologyDescription.Processor)
                .forEach(n -> out.addAll(((TopologyDescription.Processor) n).stores()));
        return out;
    }
}
