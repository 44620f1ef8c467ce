package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convoy.audit.AuditChain;
import io.convoy.audit.AuditMapper;
import io.convoy.audit.Canonical;
import io.convoy.audit.SearchClient;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.TargetSelection;
import io.convoy.testkit.opensearch.EmbeddedOpenSearch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** convoy audit query/verify against a real OpenSearch 2.19 data stream. */
class AuditCommandIT {
    private static EmbeddedOpenSearch opensearch;
    private static SearchClient search;

    @TempDir
    Path work;

    private static MigrationRequest request(String id, String who, String target, String revision, Instant at) {
        return MigrationRequest.newBuilder().setRequestId(id).setRequestedBy(who)
                .setTargets(TargetSelection.newBuilder().setTargetIds(List.of(target)).setSelector(Map.of()).build())
                .setTargetRevision(revision).setDirection(Direction.UPGRADE).setDryRun(false).setTicket(null).setReason(null)
                .setCreatedAt(at).setApprovals(List.of()).build();
    }

    @BeforeAll
    static void start() {
        opensearch = EmbeddedOpenSearch.start();
        search = new SearchClient(opensearch.httpUrl(), "audit-cli", Duration.ofSeconds(10));
        search.installTemplate();
        AuditChain chain = AuditChain.empty();
        List<JsonNode> docs = new ArrayList<>();
        String[][] rows = {{"alice", "2026-03-01T10:00:00Z", "abc123"}, {"bob", "2026-03-02T10:00:00Z", "abc123"},
                {"alice", "2026-03-03T10:00:00Z", "def456"}};
        for (int i = 0; i < rows.length; i++) {
            ObjectNode doc = AuditMapper.map(new AuditMapper.Source("convoy.requests", 0, i, 0L, null, null,
                    request("r" + i, rows[i][0], "orders-eu-1", rows[i][2], Instant.parse(rows[i][1])), null));
            doc.with("convoy").put("target", "orders-eu-1");
            docs.add(chain.append(doc));
        }
        assertThat(search.bulkCreate(docs).created()).isEqualTo(3);
        search.refresh();
    }

    @AfterAll
    static void stop() {
        if (opensearch != null) opensearch.close();
    }

    private CliRun convoy(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--search-url", opensearch.httpUrl(), "--data-stream", "audit-cli"));
        return CliRun.run(work, Map.of(), all.toArray(String[]::new));
    }

    @Test
    void queryFiltersByActorRevisionAndTime() throws Exception {
        CliRun byActor = convoy("audit", "query", "--actor", "alice", "--format", "json");
        assertThat(byActor.exitCode()).as(byActor.toString()).isZero();
        List<String> lines = byActor.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(Canonical.JSON.readTree(lines.get(0)).at("/convoy/audit/seq").asLong()).isEqualTo(3);

        CliRun byRevision = convoy("audit", "query", "--revision", "abc123", "--since", "2026-03-02", "--target", "orders-eu-1");
        assertThat(byRevision.out()).contains("bob").doesNotContain("alice").contains("1 record");

        CliRun byAction = convoy("audit", "query", "--action", "requests*", "--until", "2026-03-02T00:00:00Z");
        assertThat(byAction.out()).contains("SEQ").contains("alice").contains("1 record");
    }

    @Test
    void verifyOfADataStreamMissingARecordNamesItsSeqAndExitsNonZero() {
        SearchClient broken = new SearchClient(opensearch.httpUrl(), "audit-cli-gap", Duration.ofSeconds(10));
        broken.installTemplate();
        AuditChain chain = AuditChain.empty();
        List<JsonNode> docs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            docs.add(chain.append(AuditMapper.map(new AuditMapper.Source("convoy.requests", 0, i, 0L, null, null,
                    request("g" + i, "alice", "orders-eu-1", "abc123", Instant.parse("2026-03-01T10:00:00Z")), null))));
        }
        docs.remove(2); // seq 3 never reached the data stream (or was deleted from it)
        assertThat(broken.bulkCreate(docs).created()).isEqualTo(3);
        broken.refresh();
        CliRun run = CliRun.run(work, Map.of(), "audit", "verify", "--search-url", opensearch.httpUrl(), "--data-stream", "audit-cli-gap");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("chain broken at seq 3").contains("missing");
    }

    @Test
    void verifyTheDataStream() {
        CliRun run = convoy("audit", "verify");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("chain intact: 3 records");
    }
}
