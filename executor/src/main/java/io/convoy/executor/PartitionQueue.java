package io.convoy.executor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The fetched, not yet finished commands of one partition, on the poll thread. Commands are queued per record key
 * (the target id): the commands of one key run strictly one after the other in offset order, those of different
 * keys may run at the same time. The offset to commit is the lowest one not finished (every command below it is
 * done: its events acknowledged), so a command that waits (halted target, registry down) holds back the commit
 * of the partition but not the commands of other targets.
 */
final class PartitionQueue {
    /** One fetched command and where it stands. */
    static final class Entry {
        final PartitionQueue queue;
        final ConsumerRecord<byte[], byte[]> record;
        final String key;
        boolean running;
        Instant notBefore = Instant.MIN;

        Entry(PartitionQueue queue, ConsumerRecord<byte[], byte[]> record, String key) {
            this.queue = queue;
            this.record = record;
            this.key = key;
        }
    }

    final TopicPartition partition;
    private final TreeMap<Long, Entry> pending = new TreeMap<>();
    private final Map<String, ArrayDeque<Entry>> byKey = new LinkedHashMap<>();
    private long next = -1;
    private int running;
    /** Revoked, lost or shutting down: nothing more starts. */
    private volatile boolean closed;

    PartitionQueue(TopicPartition partition) {
        this.partition = partition;
    }

    /** Adds a fetched record (a record at or below one already added is ignored). */
    void add(ConsumerRecord<byte[], byte[]> record) {
        if (record.offset() < next) {
            return;
        }
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        Entry e = new Entry(this, record, key);
        pending.put(record.offset(), e);
        byKey.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(e);
        next = record.offset() + 1;
    }

    /**
     * Adds to {@code out} the commands that may start now (the head of each key's queue, if idle and due): the runs of
     * {@link #readyRuns} with at most one command each.
     */
    void ready(Instant now, List<Entry> out, int limit) {
        List<List<Entry>> runs = new java.util.ArrayList<>();
        readyRuns(now, runs, limit - out.size(), 1, key -> false);
        runs.forEach(out::addAll);
    }

    /**
     * Adds to {@code out} the runs that may start now: per key whose head is idle and due and which {@code held} does
     * not say to leave alone, the head and the commands fetched behind it, at most {@code maxRun} of them (they run
     * one after the other on one worker).
     */
    void readyRuns(Instant now, List<List<Entry>> out, int limit, int maxRun, java.util.function.Predicate<String> held) {
        if (closed) {
            return;
        }
        for (Map.Entry<String, ArrayDeque<Entry>> byTarget : byKey.entrySet()) {
            if (out.size() >= limit) {
                return;
            }
            ArrayDeque<Entry> q = byTarget.getValue();
            Entry head = q.peekFirst();
            if (head != null && !head.running && !now.isBefore(head.notBefore) && !held.test(byTarget.getKey())) {
                List<Entry> run = new java.util.ArrayList<>();
                for (Entry e : q) {
                    if (run.size() >= maxRun || e.running) {
                        break;
                    }
                    run.add(e);
                }
                out.add(run);
            }
        }
    }

    void started(Entry e) {
        e.running = true;
        running++;
    }

    /** The command is done (outcome acknowledged): it leaves the queue. */
    void finished(Entry e) {
        stopped(e);
        pending.remove(e.record.offset());
        ArrayDeque<Entry> q = byKey.get(e.key);
        if (q != null) {
            q.remove(e);
            if (q.isEmpty()) {
                byKey.remove(e.key);
            }
        }
    }

    /** The command stopped without being done: it stays at the head of its key's queue, to start again. */
    void stopped(Entry e) {
        if (e.running) {
            e.running = false;
            running--;
        }
    }

    /** The next offset to commit: every command below it is done. Empty before anything was fetched. */
    OptionalLong committable() {
        if (next < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(pending.isEmpty() ? next : pending.firstKey());
    }

    /** Earliest time a waiting (not running) command is due, if one waits for a time. */
    Instant nextDue(Instant now) {
        Instant due = Instant.MAX;
        if (closed) {
            return due;
        }
        for (ArrayDeque<Entry> q : byKey.values()) {
            Entry head = q.peekFirst();
            if (head != null && !head.running && head.notBefore.isAfter(now) && head.notBefore.isBefore(due)) {
                due = head.notBefore;
            }
        }
        return due;
    }

    int running() {
        return running;
    }

    int buffered() {
        return pending.size();
    }

    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }
}
