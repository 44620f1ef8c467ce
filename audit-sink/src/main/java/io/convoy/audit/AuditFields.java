package io.convoy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** Names of the audit record fields (ECS plus {@code convoy.*}) and small accessors; the mapping lives in {@link IndexTemplate}. */
public final class AuditFields {
    public static final String GENESIS_HASH = "0".repeat(64);

    private AuditFields() {}

    public static ObjectNode audit(ObjectNode record) {
        return record.with("convoy").with("audit");
    }

    public static long seq(JsonNode record) {
        return record.path("convoy").path("audit").path("seq").asLong(-1);
    }

    public static String hash(JsonNode record) {
        return record.path("convoy").path("audit").path("hash").asText(null);
    }

    public static String prevHash(JsonNode record) {
        return record.path("convoy").path("audit").path("prev_hash").asText(null);
    }

    public static String eventId(JsonNode record) {
        return record.path("event").path("id").asText(null);
    }

    /** {@code <topic>/<partition>/<offset>} of the source record, if the record carries it. */
    public static Optional<SourceRef> source(JsonNode record) {
        JsonNode s = record.path("convoy").path("source");
        if (!s.has("topic") || !s.has("partition") || !s.has("offset")) {
            return Optional.empty();
        }
        return Optional.of(new SourceRef(s.get("topic").asText(), s.get("partition").asInt(), s.get("offset").asLong()));
    }

    /** The coordinates of one Kafka record. */
    public record SourceRef(String topic, int partition, long offset) {
        public String eventId() {
            return topic + "/" + partition + "/" + offset;
        }
    }
}
