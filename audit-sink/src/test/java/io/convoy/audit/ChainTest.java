package io.convoy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainTest {
    @TempDir
    Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);

    /** Writes {@code n} chained records from convoy.step-events partition 0, in batches of 5 with checkpoints. */
    private List<String> write(int n) {
        AuditChain chain = AuditChain.empty();
        List<String> all = new ArrayList<>();
        try (NdjsonLog log = NdjsonLog.open(dir, 1_000_000, CLOCK)) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ObjectNode doc = AuditMapper.map(new AuditMapper.Source("convoy.step-events", 0, i, 1000L * i, null, null, null, null));
                if (i % 5 == 4 || i == n - 1) {
                    AuditFields.audit(doc).set("checkpoint", Recovery.checkpointNode(Map.of(new TopicPartition("convoy.step-events", 0), (long) i + 1)));
                }
                batch.add(Canonical.json(chain.append(doc)));
                if (i % 5 == 4 || i == n - 1) {
                    log.append(batch);
                    all.addAll(batch);
                    batch.clear();
                }
            }
        }
        return all;
    }

    private VerifyResult verify() {
        return ChainVerifier.verify(NdjsonLog.read(dir));
    }

    private Path onlyFile() {
        return NdjsonLog.files(dir).get(0);
    }

    private void rewrite(List<String> lines) throws IOException {
        Files.writeString(onlyFile(), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void sealWritesTheSameLineAsAppendThenCanonicalJson() {
        AuditChain viaAppend = AuditChain.empty();
        AuditChain viaSeal = AuditChain.empty();
        List<ObjectNode> docs = new ArrayList<>();
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.step-events", 1, 9, 5L, null, null,
                Events.step("r1", "orders-eu-1", io.convoy.schemas.avro.StepStatus.FAILED), null)));
        docs.add(AuditMapper.map(new AuditMapper.Source("convoy.requests", 0, 3, 5L, "k".getBytes(StandardCharsets.UTF_8), null,
                Events.request("r\"prev_hash\":\"x"), null)));
        ObjectNode withCheckpoint = AuditMapper.map(new AuditMapper.Source("convoy.commands", 2, 4, 5L, null, null,
                Events.command("r2", "orders-us-1"), null));
        AuditFields.audit(withCheckpoint).set("checkpoint", Recovery.checkpointNode(Map.of(new TopicPartition("convoy.commands", 2), 5L)));
        docs.add(withCheckpoint);
        for (ObjectNode doc : docs) {
            String expected = Canonical.json(viaAppend.append(doc.deepCopy()));
            assertThat(viaSeal.seal(doc)).isEqualTo(expected);
            assertThat(Canonical.json(doc)).isEqualTo(expected);
        }
        assertThat(viaSeal.lastHash()).isEqualTo(viaAppend.lastHash());
        assertThat(viaSeal.lastSeq()).isEqualTo(3);
    }

    @Test
    void canonicalJsonOfLeavesMatchesTheMapper() throws IOException {
        JsonNode node = Canonical.JSON.readTree("{\"b\":[1,-2,3000000000,1.5,12345678901234567890,true,null,\"x\\u0001\\\"y\"],"
                + "\"a\":{\"z\":\"\u00e9\\n\",\"y\":false}}");
        assertThat(Canonical.json(node)).isEqualTo("{\"a\":{\"y\":false,\"z\":\"\u00e9\\n\"},\"b\":"
                + Canonical.JSON.writeValueAsString(node.get("b")) + "}");
    }

    @Test
    void intactChainVerifies() {
        write(12);
        VerifyResult result = verify();
        assertThat(result).isInstanceOf(VerifyResult.Intact.class);
        assertThat(((VerifyResult.Intact) result).records()).isEqualTo(12);
        assertThat(((VerifyResult.Intact) result).lastSeq()).isEqualTo(12);
    }

    @Test
    void canonicalJsonSortsKeysAndDropsWhitespace() throws IOException {
        JsonNode a = Canonical.JSON.readTree("{ \"b\": 1, \"a\": {\"d\": [1, {\"z\":1,\"y\":2}], \"c\": null} }");
        assertThat(Canonical.json(a)).isEqualTo("{\"a\":{\"c\":null,\"d\":[1,{\"y\":2,\"z\":1}]},\"b\":1}");
    }

    @Test
    void alteredLineIsNamedBySeq() throws IOException {
        List<String> lines = write(10);
        lines.set(6, lines.get(6).replace("\"partition\":0", "\"partition\":1"));
        rewrite(lines);
        VerifyResult r = verify();
        assertThat(r).isEqualTo(((VerifyResult.Broken) r));
        assertThat(((VerifyResult.Broken) r).seq()).isEqualTo(7);
        assertThat(((VerifyResult.Broken) r).problem()).isEqualTo(VerifyResult.Problem.ALTERED);
        assertThat(r.describe()).contains("seq 7").contains(":7");
    }

    @Test
    void rehashedAlteredLineStillFailsAtTheNextRecord() throws IOException {
        List<String> lines = write(10);
        ObjectNode seven = (ObjectNode) Canonical.JSON.readTree(lines.get(6));
        ((ObjectNode) seven.get("convoy")).put("target", "forged");
        AuditFields.audit(seven).put("hash", AuditChain.hashOf(seven, AuditFields.prevHash(seven)));
        lines.set(6, Canonical.json(seven));
        rewrite(lines);
        VerifyResult.Broken r = (VerifyResult.Broken) verify();
        assertThat(r.seq()).isEqualTo(8);
        assertThat(r.problem()).isEqualTo(VerifyResult.Problem.ALTERED);
    }

    @Test
    void deletedLineIsReportedMissing() throws IOException {
        List<String> lines = write(10);
        lines.remove(3);
        rewrite(lines);
        VerifyResult.Broken r = (VerifyResult.Broken) verify();
        assertThat(r.seq()).isEqualTo(4);
        assertThat(r.problem()).isEqualTo(VerifyResult.Problem.MISSING);
    }

    @Test
    void swappedLinesAreReportedReordered() throws IOException {
        List<String> lines = write(10);
        String five = lines.get(4);
        lines.set(4, lines.get(5));
        lines.set(5, five);
        rewrite(lines);
        VerifyResult.Broken r = (VerifyResult.Broken) verify();
        assertThat(r.seq()).isEqualTo(5);
        assertThat(r.problem()).isEqualTo(VerifyResult.Problem.REORDERED);
    }

    @Test
    void truncatedTailIsReportedMissingWhenTheExpectedCountIsKnown() throws IOException {
        List<String> lines = write(10);
        lines.set(9, "not json");
        rewrite(lines);
        VerifyResult.Broken r = (VerifyResult.Broken) verify();
        assertThat(r.seq()).isEqualTo(10);
        assertThat(r.problem()).isEqualTo(VerifyResult.Problem.MALFORMED);
    }

    @Test
    void recoveryContinuesFromTheLastLineAndCutsATornWrite() throws IOException {
        write(12);
        Files.writeString(onlyFile(), "{\"torn\":", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        NdjsonLog.open(dir, 1_000_000, CLOCK).close();
        assertThat(Files.readString(onlyFile())).endsWith("}\n");
        TopicPartition tp = new TopicPartition("convoy.step-events", 0);
        // Kafka committed only the first two batches: the third (seq 11, 12) may be missing from the data stream.
        Recovery r = Recovery.read(dir, Map.of(tp, 10L));
        assertThat(r.lastSeq()).isEqualTo(12);
        assertThat(r.covered()).containsEntry(tp, 12L);
        assertThat(r.unacknowledged()).extracting(AuditFields::seq).containsExactly(11L, 12L);
        assertThat(verify().intact()).isTrue();
    }

    @Test
    void recoveryCountsLinesOfABatchCutShortAfterItsLastCheckpoint() throws IOException {
        List<String> lines = write(10);
        // a third batch cut short: one more chained line without a checkpoint
        AuditChain chain = new AuditChain(10, AuditFields.hash(Canonical.JSON.readTree(lines.get(9))));
        ObjectNode extra = AuditMapper.map(new AuditMapper.Source("convoy.step-events", 0, 10, 0L, null, null, null, null));
        Files.writeString(onlyFile(), Canonical.json(chain.append(extra)) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        TopicPartition tp = new TopicPartition("convoy.step-events", 0);
        Recovery r = Recovery.read(dir, Map.of(tp, 10L));
        assertThat(r.lastSeq()).isEqualTo(11);
        assertThat(r.covered()).containsEntry(tp, 11L);
        assertThat(r.unacknowledged()).extracting(AuditFields::seq).containsExactly(11L);
        assertThat(verify().intact()).isTrue();
    }

    @Test
    void rotatesAtTheSizeLimitAndVerifiesAcrossFiles() {
        AuditChain chain = AuditChain.empty();
        try (NdjsonLog log = NdjsonLog.open(dir, 600, CLOCK)) {
            for (int i = 0; i < 6; i++) {
                ObjectNode doc = AuditMapper.map(new AuditMapper.Source("convoy.requests", 0, i, 0L, null, null, null, null));
                log.append(List.of(Canonical.json(chain.append(doc))));
            }
        }
        assertThat(NdjsonLog.files(dir)).hasSizeGreaterThan(1);
        assertThat(((VerifyResult.Intact) verify()).records()).isEqualTo(6);
    }
}
