package io.convoy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's durable state, read back from the NDJSON files at start-up.
 *
 * <p>Lines are read from the newest backwards. The last line gives the chain's last seq and hash. The newest
 * checkpoint (last line of a batch: every source partition's next offset) plus the source offsets of any lines
 * after it (a batch cut short by a crash) give, per partition, the first offset not yet chained: the consumer
 * seeks there, so nothing is chained twice and nothing is skipped. Lines written after the newest checkpoint
 * whose offsets Kafka has committed back to are "unacknowledged": the data stream may not hold them yet, so they are
 * indexed again ({@code create} with their {@code _id}: already stored answers 409, counted as success).
 *
 * @param lastSeq        last seq in the files (0 when none)
 * @param lastHash       its hash (genesis when none)
 * @param covered        per source partition, the next offset to chain
 * @param unacknowledged records that may be missing from the data stream, oldest first
 */
public record Recovery(long lastSeq, String lastHash, Map<TopicPartition, Long> covered, List<JsonNode> unacknowledged) {

    public static Recovery none() {
        return new Recovery(0, AuditFields.GENESIS_HASH, Map.of(), List.of());
    }

    /** Reads the state of {@code dir} given the offsets Kafka has committed for the sink's group. */
    public static Recovery read(Path dir, Map<TopicPartition, Long> committed) {
        Iterator<ChainVerifier.Located> back = NdjsonLog.readBackwards(dir);
        if (!back.hasNext()) {
            return none();
        }
        List<JsonNode> after = new ArrayList<>();
        JsonNode last = null;
        Map<TopicPartition, Long> covered = null;
        while (back.hasNext()) {
            JsonNode record = back.next().record();
            if (last == null) {
                last = record;
            }
            Map<TopicPartition, Long> checkpoint = checkpoint(record);
            if (checkpoint != null) {
                if (covered == null) {
                    covered = new HashMap<>(checkpoint);
                    for (JsonNode later : after) {
                        advance(covered, later);
                    }
                }
                if (acknowledged(checkpoint, committed)) {
                    break;
                }
            }
            after.add(record);
        }
        if (covered == null) {
            covered = new HashMap<>();
            List<JsonNode> oldestFirst = new ArrayList<>(after);
            Collections.reverse(oldestFirst);
            for (JsonNode r : oldestFirst) {
                advance(covered, r);
            }
        }
        Collections.reverse(after);
        return new Recovery(AuditFields.seq(last), AuditFields.hash(last), Map.copyOf(covered), List.copyOf(after));
    }

    private static void advance(Map<TopicPartition, Long> covered, JsonNode record) {
        AuditFields.source(record).ifPresent(s ->
                covered.merge(new TopicPartition(s.topic(), s.partition()), s.offset() + 1, Math::max));
    }

    private static boolean acknowledged(Map<TopicPartition, Long> checkpoint, Map<TopicPartition, Long> committed) {
        for (Map.Entry<TopicPartition, Long> e : checkpoint.entrySet()) {
            Long c = committed.get(e.getKey());
            if (c == null || c < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The checkpoint a record carries, or null. */
    static Map<TopicPartition, Long> checkpoint(JsonNode record) {
        JsonNode cp = record.path("convoy").path("audit").path("checkpoint");
        if (!cp.isArray()) {
            return null;
        }
        Map<TopicPartition, Long> map = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        for (JsonNode entry : cp) {
            String s = entry.asText();
            int b = s.lastIndexOf('/');
            int a = s.lastIndexOf('/', b - 1);
            map.put(new TopicPartition(s.substring(0, a), Integer.parseInt(s.substring(a + 1, b))), Long.parseLong(s.substring(b + 1)));
        }
        return map;
    }

    /** The checkpoint field value for a covered-offsets map: sorted {@code topic/partition/nextOffset} strings. */
    static ArrayNode checkpointNode(Map<TopicPartition, Long> covered) {
        ArrayNode array = Canonical.JSON.createArrayNode();
        covered.entrySet().stream()
                .map(e -> e.getKey().topic() + "/" + e.getKey().partition() + "/" + e.getValue())
                .sorted()
                .forEach(array::add);
        return array;
    }
}
