package io.convoy.executor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of one poll, handled one by one on the worker thread while the poll thread keeps polling (the
 * partitions paused) and commits what is done. Records of a partition are handled in offset order; a partition
 * whose record must wait (registry down) or whose step was interrupted gets no further record in this batch.
 */
final class Batch implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Batch.class);

    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    private final Map<TopicPartition, Long> lastOffsets = new HashMap<>();
    private final CommandHandler handler;
    /** Next offset to commit per partition: every record before it is done (published and acknowledged). */
    private final Map<TopicPartition, Long> done = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> retryFrom = new ConcurrentHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean interrupted;
    private volatile Throwable fatal;

    Batch(ConsumerRecords<byte[], byte[]> polled, CommandHandler handler) {
        this.handler = handler;
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = polled.records(tp);
            records.addAll(list);
            firstOffsets.put(tp, list.get(0).offset());
            lastOffsets.put(tp, list.get(list.size() - 1).offset());
        }
    }

    @Override
    public void run() {
        try {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (stopRequested) {
                    return;
                }
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (retryFrom.containsKey(tp)) {
                    continue;
                }
                switch (handler.handle(r)) {
                    case DONE -> done.put(tp, r.offset() + 1);
                    case RETRY_LATER -> retryFrom.put(tp, r.offset());
                    case INTERRUPTED -> {
                        interrupted = true;
                        return;
                    }
                }
            }
        } catch (Throwable t) {
            fatal = t;
            log.error("stopping: handling a command failed in a way that leaves its outcome unpublished or unacknowledged"
                    + " (it stays uncommitted and is delivered again)", t);
        } finally {
            finished.countDown();
        }
    }

    /** Asks the batch to stop before its next record. */
    void stop() {
        stopRequested = true;
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    void awaitFinished() throws InterruptedException {
        finished.await();
    }

    boolean awaitFinished(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    Set<TopicPartition> partitions() {
        return firstOffsets.keySet();
    }

    /** Next offsets to commit (a snapshot). */
    Map<TopicPartition, Long> done() {
        return Map.copyOf(done);
    }

    /**
     * Where the partition must be read again from, if the batch left some of its records unhandled (retry,
     * interruption, stop); empty when all were handled.
     */
    java.util.Optional<Long> resumeOffset(TopicPartition tp) {
        Long retry = retryFrom.get(tp);
        if (retry != null) {
            return java.util.Optional.of(retry);
        }
        long next = done.getOrDefault(tp, firstOffsets.get(tp));
        return next > lastOffsets.get(tp) ? java.util.Optional.empty() : java.util.Optional.of(next);
    }

    boolean waitsForRegistry(TopicPartition tp) {
        return retryFrom.containsKey(tp);
    }

    boolean wasInterrupted() {
        return interrupted;
    }

    Throwable fatal() {
        return fatal;
    }
}
