package io.convoy.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionQueueTest {
    private static final TopicPartition TP = new TopicPartition("convoy.commands", 3);
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private static ConsumerRecord<byte[], byte[]> record(long offset, String key) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, key.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private static List<Long> ready(PartitionQueue q, Instant now) {
        List<PartitionQueue.Entry> out = new ArrayList<>();
        q.ready(now, out, Integer.MAX_VALUE);
        return out.stream().map(e -> e.record.offset()).toList();
    }

    @Test
    void oneCommandPerTargetAtATimeInOffsetOrderAndTargetsSideBySide() {
        PartitionQueue q = new PartitionQueue(TP);
        q.add(record(10, "a"));
        q.add(record(11, "b"));
        q.add(record(12, "a"));
        q.add(record(13, "c"));
        assertThat(ready(q, NOW)).containsExactly(10L, 11L, 13L);
        List<PartitionQueue.Entry> first = new ArrayList<>();
        q.ready(NOW, first, 2);
        assertThat(first).hasSize(2);
        first.forEach(q::started);
        assertThat(ready(q, NOW)).as("a and b run; c may start").containsExactly(13L);
        q.finished(first.get(0));
        assertThat(ready(q, NOW)).as("a's next one after a's first is done").containsExactly(12L, 13L);
    }

    @Test
    void aHeldTargetIsLeftQueuedAndTheOthersOfItsPartitionStillStart() {
        PartitionQueue q = new PartitionQueue(TP);
        q.add(record(30, "halted"));
        q.add(record(31, "free"));
        q.add(record(32, "halted"));
        List<List<PartitionQueue.Entry>> runs = new ArrayList<>();
        q.readyRuns(NOW, runs, 10, 10, key -> key.equals("halted"));
        assertThat(runs).singleElement().satisfies(run -> assertThat(run).extracting(e -> e.record.offset()).containsExactly(31L));
        runs.clear();
        q.readyRuns(NOW, runs, 10, 10, key -> false);
        assertThat(runs).extracting(run -> run.get(0).record.offset()).as("held no more: its run starts").containsExactly(30L, 31L);
        assertThat(runs.get(0)).hasSize(2);
    }

    @Test
    void theCommitStopsBelowTheLowestUnfinishedCommand() {
        PartitionQueue q = new PartitionQueue(TP);
        assertThat(q.committable()).isEmpty();
        q.add(record(20, "halted"));
        q.add(record(21, "free"));
        q.add(record(22, "free"));
        List<PartitionQueue.Entry> all = new ArrayList<>();
        q.ready(NOW, all, 10);
        all.forEach(q::started);
        PartitionQueue.Entry halted = all.get(0);
        PartitionQueue.Entry free = all.get(1);
        q.finished(free);
        assertThat(q.committable()).hasValue(20L);
        List<PartitionQueue.Entry> next = new ArrayList<>();
        q.ready(NOW, next, 10);
        next.forEach(q::started);
        next.forEach(q::finished);
        assertThat(q.committable()).as("the halted command holds the commit back").hasValue(20L);
        assertThat(q.buffered()).isEqualTo(1);
        q.finished(halted);
        assertThat(q.committable()).hasValue(23L);
        assertThat(q.buffered()).isZero();
        assertThat(q.running()).isZero();
    }

    @Test
    void aStoppedCommandStaysAtTheHeadOfItsTargetAndWaitsUntilItIsDue() {
        PartitionQueue q = new PartitionQueue(TP);
        q.add(record(5, "a"));
        q.add(record(6, "a"));
        List<PartitionQueue.Entry> out = new ArrayList<>();
        q.ready(NOW, out, 10);
        PartitionQueue.Entry e = out.get(0);
        q.started(e);
        q.stopped(e);
        e.notBefore = NOW.plusSeconds(5);
        assertThat(ready(q, NOW)).isEmpty();
        assertThat(q.nextDue(NOW)).isEqualTo(NOW.plusSeconds(5));
        assertThat(ready(q, NOW.plusSeconds(5))).containsExactly(5L);
        assertThat(q.committable()).hasValue(5L);
    }

    @Test
    void aRecordFetchedAgainIsIgnoredAndAClosedQueueStartsNothing() {
        PartitionQueue q = new PartitionQueue(TP);
        q.add(record(7, "a"));
        q.add(record(7, "a"));
        assertThat(q.buffered()).isEqualTo(1);
        q.close();
        assertThat(ready(q, NOW)).isEmpty();
        assertThat(q.committable()).hasValue(7L);
    }
}
