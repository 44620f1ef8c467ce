package io.convoy.cli.halt;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.cli.CliRun;
import io.convoy.core.error.ErrorCode;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.control.ControlFeed;
import io.convoy.schemas.control.HaltState;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import io.convoy.testkit.kafka.EmbeddedKafka;
import io.convoy.testkit.registry.EmbeddedRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convoy halt | resume | panic} against a real broker and registry (started once). */
class HaltCommandsIT {
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;
    private static SerdeConfig serdes;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        var registryStart = java.util.concurrent.CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        kafka = EmbeddedKafka.start();
        registry = registryStart.join();
        serdes = SerdeConfig.of(new SchemaRegistryClient(registry.ccompatUrl()));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static CliRun convoy(Map<String, String> env, String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--schema-registry-url", registry.ccompatUrl())).toArray(String[]::new);
        return CliRun.run(dir, env, all);
    }

    @Test
    void haltRecordsTheOrderWithActorAndReasonAndResumeLiftsIt() throws Exception {
        CliRun halt = convoy(Map.of("USER", "os-user"), "halt", "--cluster", "c1", "--reason", "deploy freeze", "--as", "alice");
        assertThat(halt.exitCode()).as(halt.toString()).isZero();
        assertThat(halt.out()).contains("HALT of cluster:c1 by alice (reason: deploy freeze) recorded on convoy.control")
                .contains("convoy resume --cluster c1");
        ControlRecord r = last("cluster:c1");
        assertThat(r.getScope()).isEqualTo("cluster:c1");
        assertThat(r.getAction()).isEqualTo(ControlAction.HALT);
        assertThat(r.getOrigin()).isEqualTo(ControlOrigin.OPERATOR);
        assertThat(r.getActor()).isEqualTo("alice");
        assertThat(r.getReason()).isEqualTo("deploy freeze");
        assertThat(r.getAlertId()).isNull();
        assertThat(halts().isHalted("orders-1", "c1")).as("as an executor starting now reads it").isTrue();
        assertThat(halts().isHalted("orders-2", "c2")).isFalse();

        CliRun resume = convoy(Map.of("USER", "bob"), "resume", "--cluster", "c1");
        assertThat(resume.exitCode()).as(resume.toString()).isZero();
        assertThat(resume.out()).contains("RESUME of cluster:c1 by bob recorded");
        ControlRecord lifted = last("cluster:c1");
        assertThat(lifted.getAction()).isEqualTo(ControlAction.RESUME);
        assertThat(lifted.getActor()).as("the OS user by default").isEqualTo("bob");
        assertThat(halts().isHalted("orders-1", "c1")).isFalse();
    }

    @Test
    void panicOfTheWholeFleetAndOfOneTarget() throws Exception {
        CliRun panic = convoy(Map.of("USER", "carol"), "panic", "--target", "orders-9", "--reason", "runaway rewrite");
        assertThat(panic.exitCode()).as(panic.toString()).isZero();
        ControlRecord r = last("target:orders-9");
        assertThat(r.getAction()).isEqualTo(ControlAction.PANIC);
        assertThat(r.getActor()).isEqualTo("carol");
        HaltState state = halts();
        assertThat(state.isPanicked("orders-9", null)).isTrue();
        assertThat(state.isHalted("orders-8", null)).isFalse();
        assertThat(convoy(Map.of("USER", "carol"), "resume", "--target", "orders-9").exitCode()).isZero();

        CliRun all = convoy(Map.of("USER", "carol"), "halt", "--all", "--reason", "incident 42");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(halts().isHalted("anything", "any-cluster")).isTrue();
        assertThat(convoy(Map.of("USER", "carol"), "resume", "--all").exitCode()).isZero();
        assertThat(halts().halts()).isEmpty();
    }

    @Test
    void badArgumentsAreRefusedAndNothingIsSent() throws Exception {
        long before = records().size();
        CliRun noReason = convoy(Map.of("USER", "u"), "halt", "--cluster", "c9");
        assertThat(noReason.exitCode()).isEqualTo(2);
        assertThat(noReason.err()).contains("--reason");
        CliRun twoScopes = convoy(Map.of("USER", "u"), "halt", "--cluster", "c9", "--target", "t9", "--reason", "x");
        assertThat(twoScopes.exitCode()).isEqualTo(2);
        assertThat(twoScopes.err()).contains("mutually exclusive");
        CliRun noScope = convoy(Map.of("USER", "u"), "panic", "--reason", "x");
        assertThat(noScope.exitCode()).isEqualTo(2);
        assertThat(noScope.err()).contains("Missing required argument");
        CliRun blankReason = convoy(Map.of("USER", "u"), "halt", "--cluster", "c9", "--reason", "  ");
        assertThat(blankReason.exitCode()).isEqualTo(ErrorCode.MIG020.exitCode());
        assertThat(blankReason.err()).contains("MIG020").contains("needs a reason");
        CliRun badId = convoy(Map.of("USER", "u"), "halt", "--target", "a b", "--reason", "x");
        assertThat(badId.exitCode()).isEqualTo(ErrorCode.MIG020.exitCode());
        assertThat(badId.err()).contains("MIG020").contains("'a b'");
        CliRun nowhere = CliRun.run(dir, Map.of("USER", "u"), "halt", "--all", "--reason", "x");
        assertThat(nowhere.exitCode()).isEqualTo(ErrorCode.MIG020.exitCode());
        assertThat(nowhere.err()).contains("--bootstrap-servers");
        assertThat(records()).hasSize((int) before);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The halts in force, as a fresh ControlFeed (an executor starting now) reads them. */
    private static HaltState halts() throws InterruptedException {
        HaltState state = new HaltState();
        try (ControlFeed feed = new ControlFeed(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), serdes, state)) {
            feed.start();
            assertThat(feed.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        }
        return state;
    }

    private static ControlRecord last(String key) {
        List<ConsumerRecord<String, byte[]>> all = records();
        ConsumerRecord<String, byte[]> r = all.stream().filter(x -> key.equals(x.key())).reduce((a, b) -> b).orElseThrow();
        return Topics.CONTROL.valueSerde(serdes).deserializer().deserialize(r.topic(), r.value());
    }

    /** Every record of convoy.control, read from the beginning to the end. */
    private static List<ConsumerRecord<String, byte[]>> records() {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer())) {
            if (c.partitionsFor(Topics.CONTROL.name()).isEmpty()) {
                return out;
            }
            List<TopicPartition> tps = c.partitionsFor(Topics.CONTROL.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
