package io.convoy.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        System.out.println("EmbeddedKafka first start: " + kafka.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void producesAndConsumesThroughARealBroker() throws Exception {
        try (Admin admin = kafka.createAdmin()) {
            admin.createTopics(List.of(new NewTopic("it.roundtrip", 2, (short) 1))).all().get();
        }
        Map<String, Object> producerProps = new HashMap<>(kafka.clientProperties());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("it.roundtrip", "k" + i, "v" + i)).get();
            }
        }
        Map<String, Object> consumerProps = new HashMap<>(kafka.clientProperties());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "it-group");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("it.roundtrip"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record.key() + "=" + record.value());
                }
                return seen.size() >= 10;
            });
        }
        assertThat(seen).hasSize(10).contains("k0=v0", "k9=v9");
    }

    @Test
    void doesNotCreateTopicsAutomatically() throws Exception {
        Map<String, Object> producerProps = new HashMap<>(kafka.clientProperties());
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> producer.send(new ProducerRecord<>("it.never-created", "k", "v")).get())
                    .hasMessageContaining("it.never-created");
        }
        try (Admin admin = kafka.createAdmin()) {
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).doesNotContain("it.never-created");
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        int port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        assertThat(LoopbackOnly.accepts(InetAddress.getLoopbackAddress(), port)).isTrue();
        Optional<InetAddress> other = LoopbackOnly.otherLocalAddress();
        assumeThat(other).as("a non-loopback address on this machine").isPresent();
        assertThat(LoopbackOnly.accepts(other.get(), port)).as("broker port on " + other.get()).isFalse();
    }

    @Test
    void aFatalFaultDoesNotKillTheJvm() {
        // What Kafka's fatal fault handlers call; without the guard this would halt the test JVM.
        Exit.halt(1, "simulated fatal fault");
        assertThat(EmbeddedKafka.lastFatalError()).hasValueSatisfying(m -> assertThat(m).contains("simulated fatal fault"));
    }

    @Test
    void aBadBrokerSettingIsReportedClearly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddedKafka.builder().brokerProperty("num.partitions", "zero").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not start")
                .hasMessageContaining("num.partitions");
    }

    @Test
    void aSecondBrokerStartsFastAndCloseDeletesItsData() throws Exception {
        EmbeddedKafka second = EmbeddedKafka.builder().brokerProperty("num.partitions", "2").start();
        Path dir = second.directory();
        String bootstrap = second.bootstrapServers();
        System.out.println("EmbeddedKafka later start in the same JVM: " + second.startupTime().toMillis() + " ms");
        assertThat(bootstrap).isNotEqualTo(kafka.bootstrapServers());
        assertThat(Files.isDirectory(dir)).isTrue();
        second.close();
        second.close(); // idempotent
        assertThat(Files.exists(dir)).isFalse();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        assertThat(LoopbackOnly.accepts(InetAddress.getLoopbackAddress(), port)).isFalse();
        // the first broker is unaffected
        try (Admin admin = kafka.createAdmin()) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
    }
}
