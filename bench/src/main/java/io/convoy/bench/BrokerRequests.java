package io.convoy.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the in-JVM Kafka broker handled, by type, from its own meters
 * ({@code kafka.network:type=RequestMetrics,name=RequestsPerSec,request=*}, summed over versions). Every client in
 * this JVM counts: the executors, the benchmark's producer and its event watcher. Per step, they tell how well the
 * clients batch: the broker's and the clients' CPU follow the number of requests far more than that of records.
 */
final class BrokerRequests {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final String PATTERN = "kafka.network:type=RequestMetrics,name=RequestsPerSec,*";

    private BrokerRequests() {}

    /** Requests handled so far, by type (Produce, Fetch, FetchConsumer, OffsetCommit, ...); empty without a broker. */
    static Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        try {
            for (ObjectName name : SERVER.queryNames(new ObjectName(PATTERN), null)) {
                String request = name.getKeyProperty("request");
                if (request != null) {
                    out.merge(request, ((Number) SERVER.getAttribute(name, "Count")).longValue(), Long::sum);
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("reading the broker's request meters: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Requests per unit between two snapshots: {@code produce}, {@code fetch_consumer} (the consumers' fetches, not
     * the controller's), {@code offset_commit} and {@code all}.
     */
    static Map<String, Object> perUnit(Map<String, Long> before, Map<String, Long> after, int units) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("produce", Stats.round(delta(before, after, "Produce") / (double) units));
        out.put("fetch_consumer", Stats.round(delta(before, after, "FetchConsumer") / (double) units));
        out.put("offset_commit", Stats.round(delta(before, after, "OffsetCommit") / (double) units));
        // "Fetch" counts every fetch, the consumers' included (FetchConsumer is a subset): left out of the total.
        long all = after.keySet().stream().filter(k -> !k.equals("FetchConsumer")).mapToLong(k -> delta(before, after, k)).sum();
        out.put("all", Stats.round(all / (double) units));
        return out;
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String request) {
        return after.getOrDefault(request, 0L) - before.getOrDefault(request, 0L);
    }
}
