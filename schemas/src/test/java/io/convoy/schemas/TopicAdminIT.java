package io.convoy.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.testkit.kafka.EmbeddedKafka;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topic creation against a real broker. */
class TopicAdminIT {
    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        admin = kafka.createAdmin();
    }

    @AfterAll
    static void stop() {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void createsThePipelineTopicsAsDeclaredAndIsIdempotent() throws Exception {
        TopicAdmin.Result first = TopicAdmin.ensureTopics(admin, Topics.all());
        List<String> names = Topics.all().stream().map(Topic::name).toList();
        assertThat(first.created()).containsExactlyElementsOf(names);
        assertThat(first.existing()).isEmpty();

        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        for (Topic<String, ?> topic : Topics.all()) {
            TopicDescription description = described.get(topic.name());
            assertThat(description.partitions()).as(topic.name()).hasSize(topic.partitions());
            assertThat(description.partitions().get(0).replicas()).as("broker default replication").hasSize(1);
        }

        Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
        for (Topic<String, ?> topic : Topics.all()) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            assertThat(config.get("cleanup.policy").value()).as(topic.name())
                    .isEqualTo(topic.compacted() ? "compact" : "delete");
            topic.configs().forEach((key, value) -> assertThat(config.get(key).value()).as(topic.name() + " " + key).isEqualTo(value));
        }
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "convoy.commands")).get("retention.ms").value())
                .isEqualTo("604800000");

        TopicAdmin.Result second = TopicAdmin.ensureTopics(admin, Topics.all());
        assertThat(second.created()).isEmpty();
        assertThat(second.existing()).containsExactlyElementsOf(names);
    }

    @Test
    void servicesStartingTogetherCreateEachTopicOnce() throws Exception {
        List<Topic<String, ?>> topics = List.of(
                Topics.COMMANDS.withPartitions(2).withReplication((short) 1),
                Topics.DLQ.withPartitions(1));
        List<Topic<String, ?>> renamed = topics.stream().map(t -> rename(t, "race." + t.name())).collect(Collectors.toList());
        List<CompletableFuture<TopicAdmin.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> TopicAdmin.ensureTopics(admin, renamed)));
        }
        List<TopicAdmin.Result> results = runs.stream().map(CompletableFuture::join).toList();
        List<String> created = results.stream().map(TopicAdmin.Result::created).flatMap(Collection::stream).toList();
        assertThat(created).containsExactlyInAnyOrder("race.convoy.commands", "race.convoy.dlq");
        for (TopicAdmin.Result result : results) {
            assertThat(result.created().size() + result.existing().size()).isEqualTo(2);
        }
        Map<String, TopicDescription> described = admin.describeTopics(List.of("race.convoy.commands")).allTopicNames().get();
        assertThat(described.get("race.convoy.commands").partitions()).hasSize(2);
    }

    private static <V> Topic<String, V> rename(Topic<String, V> t, String name) {
        return new Topic<>(name, t.keySerde(), t.valueType(), t.valueSerdeFactory(), t.partitions(), t.replication(), t.configs());
    }
}
