package io.convoy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.StepStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The strict mappings of the index template cover every field the mapper and the chain write (a field missing from
 * them would make the data stream refuse the record), and the mapping update for existing data streams only adds
 * fields the template has, with the same types.
 */
class IndexTemplateTest {

    private static List<ObjectNode> sampleRecords() {
        List<ObjectNode> docs = new ArrayList<>();
        byte[] key = "orders-eu-1".getBytes(StandardCharsets.UTF_8);
        MigrationRequest approving = Events.request("r1");
        approving.setApprovals(List.of("CV002"));
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.requests", 0, 1, 1_000L, key, new byte[] {1}, approving, null)));
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.plan-events", 0, 2, 1_000L, key, new byte[] {1},
                Events.plan("r1", PlanStatus.REJECTED), null)));
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.commands", 0, 3, 1_000L, key, new byte[] {1},
                Events.commandWithFindings("r1", "orders-eu-1"), null)));
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.step-events", 0, 4, 1_000L, key, new byte[] {1},
                Events.step("r1", "orders-eu-1", StepStatus.FAILED), null)));
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.target-state", 0, 5, 1_000L, key, new byte[] {1},
                Events.state("orders-eu-1"), null)));
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.commands", 0, 6, 1_000L, null, new byte[] {9}, null, "bad magic")));
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.target-state", 0, 7, 1_000L, key, null, null, null)));
        AuditChain chain = AuditChain.empty();
        for (ObjectNode doc : docs) {
            AuditFields.audit(doc).set("checkpoint", Recovery.checkpointNode(Map.of(new TopicPartition("convoy.commands", 0), 7L)));
            chain.append(doc);
        }
        return docs;
    }

    @Test
    void everyFieldTheMapperAndTheChainWriteIsMapped() {
        JsonNode properties = IndexTemplate.body("convoy-audit").at("/template/mappings/properties");
        TreeSet<String> written = new TreeSet<>();
        sampleRecords().forEach(doc -> leaves(doc, "", written));
        assertThat(written).as("the samples reach the lint fields").contains("convoy.lint.rules", "convoy.lint.severities",
                "convoy.lint.worst", "convoy.lint.approved", "convoy.lint.count");
        for (String path : written) {
            assertThat(mapping(properties, path)).as("mapping of " + path).isNotNull();
            assertThat(mapping(properties, path).has("type")).as(path + " is a field, not an object").isTrue();
        }
    }

    @Test
    void theLintFieldsAreKeywordsAndACountInAStrictObject() {
        JsonNode lint = IndexTemplate.body("convoy-audit").at("/template/mappings/properties/convoy/properties/lint");
        assertThat(lint.path("dynamic").asText()).isEqualTo("strict");
        for (String f : List.of("rules", "severities", "worst", "approved")) {
            assertThat(lint.at("/properties/" + f + "/type").asText()).as(f).isEqualTo("keyword");
        }
        assertThat(lint.at("/properties/count/type").asText()).isEqualTo("integer");
    }

    @Test
    void theMappingUpdateAddsOnlyFieldsOfTheTemplateWithTheirTypes() {
        JsonNode template = IndexTemplate.body("convoy-audit").at("/template/mappings/properties");
        JsonNode added = IndexTemplate.addedFields().path("properties");
        TreeSet<String> paths = new TreeSet<>();
        mappedLeaves(added, "", paths);
        assertThat(paths).contains("convoy.lint.rules", "convoy.lint.approved", "convoy.scope");
        for (String path : paths) {
            assertThat(mapping(added, path)).as(path).isEqualTo(mapping(template, path));
        }
    }

    /** The mapping of a dotted path under {@code properties}, or null. */
    private static JsonNode mapping(JsonNode properties, String path) {
        JsonNode node = null;
        JsonNode props = properties;
        for (String part : path.split("\\.")) {
            if (props == null || !props.has(part)) {
                return null;
            }
            node = props.get(part);
            props = node.get("properties");
        }
        return node;
    }

    /** Dotted paths of the values in a document (an array of values is one field). */
    private static void leaves(JsonNode node, String prefix, TreeSet<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                leaves(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out);
            }
        } else {
            out.add(prefix);
        }
    }

    /** Dotted paths of the typed fields of a mapping's properties. */
    private static void mappedLeaves(JsonNode properties, String prefix, TreeSet<String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().has("properties")) {
                mappedLeaves(e.getValue().get("properties"), path, out);
            } else {
                out.add(path);
            }
        }
    }
}
