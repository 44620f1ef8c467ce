package io.convoy.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.schemas.avro.StepEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void theTopicsOfThePipeline() {
        assertThat(Topics.all()).extracting(Topic::name).containsExactly(
                "convoy.requests", "convoy.commands", "convoy.step-events", "convoy.plan-events",
                "convoy.target-state", "convoy.dlq", "convoy.alerts", "convoy.control");
    }

    @Test
    void topicsKeyedByTargetAreCoPartitioned() {
        List<Topic<String, ?>> byTarget = List.of(Topics.COMMANDS, Topics.STEP_EVENTS, Topics.TARGET_STATE);
        assertThat(byTarget).extracting(Topic::partitions).containsOnly(Topics.TARGET_PARTITIONS);
    }

    @Test
    void onlyTargetStateAndControlAreCompacted() {
        assertThat(Topics.all()).filteredOn(Topic::compacted).containsExactly(Topics.TARGET_STATE, Topics.CONTROL);
        assertThat(Topics.TARGET_STATE.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.CONTROL.configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void controlHasOnePartitionSoEveryReaderSeesOneOrder() {
        assertThat(Topics.CONTROL.partitions()).isEqualTo(1);
        assertThat(Topics.CONTROL.valueType()).isEqualTo(io.convoy.schemas.avro.ControlRecord.class);
        assertThat(Topics.ALERTS.valueType()).isEqualTo(io.convoy.schemas.avro.Alert.class);
        assertThat(Topics.ALERTS.compacted()).isFalse();
    }

    @Test
    void keysAreUtf8StringsAndValuesAvro() {
        for (Topic<String, ?> topic : Topics.all()) {
            assertThat(topic.keySerde().serializer()).isInstanceOf(StringSerializer.class);
            assertThat(topic.keySerde().deserializer()).isInstanceOf(StringDeserializer.class);
            assertThat(topic.valueSchema()).as(topic.name()).isPresent();
            assertThat(topic.valueSubject()).isEqualTo(topic.name() + "-value");
        }
        assertThat(Topics.STEP_EVENTS.valueType()).isEqualTo(StepEvent.class);
        assertThat(Topics.STEP_EVENTS.valueSchema()).contains(StepEvent.getClassSchema());
    }

    @Test
    void newTopicUsesTheBrokerDefaultReplicationUnlessSet() {
        NewTopic byDefault = Topics.COMMANDS.newTopic();
        assertThat(byDefault.name()).isEqualTo("convoy.commands");
        assertThat(byDefault.numPartitions()).isEqualTo(12);
        assertThat(byDefault.replicationFactor()).isEqualTo((short) -1);
        assertThat(byDefault.configs()).isEqualTo(Topics.COMMANDS.configs());

        NewTopic replicated = Topics.COMMANDS.withReplication((short) 3).withPartitions(24).newTopic();
        assertThat(replicated.replicationFactor()).isEqualTo((short) 3);
        assertThat(replicated.numPartitions()).isEqualTo(24);
        assertThat(Topics.COMMANDS.partitions()).as("constants are immutable").isEqualTo(12);
    }

    @Test
    void invalidDeclarationsAreRefused() {
        assertThatThrownBy(() -> Topics.DLQ.withPartitions(0)).hasMessageContaining("convoy.dlq").hasMessageContaining("partitions");
        assertThatThrownBy(() -> Topics.DLQ.withReplication((short) 0)).hasMessageContaining("replication");
        assertThatThrownBy(() -> Topic.avro(" ", StepEvent.class, 1, Map.of())).hasMessageContaining("blank");
    }

    @Test
    void deadLetterKeyIsTheFailedRecordsCoordinates() {
        assertThat(Topics.deadLetterKey("convoy.commands", 7, 42L)).isEqualTo("convoy.commands/7/42");
    }

    @Test
    void valueSchemaIsEmptyForNonAvroValues() {
        Topic<String, String> plain = new Topic<>("x", org.apache.kafka.common.serialization.Serdes.String(), String.class,
                c -> org.apache.kafka.common.serialization.Serdes.String(), 1, (short) 1, Map.of());
        assertThat(plain.valueSchema()).isEqualTo(Optional.empty());
    }
}
