package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convoy.audit.AuditChain;
import io.convoy.audit.AuditMapper;
import io.convoy.audit.Canonical;
import io.convoy.audit.NdjsonLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
    @TempDir
    Path work;

    private Path writeChain(int n) {
        Path dir = work.resolve("audit");
        AuditChain chain = AuditChain.empty();
        try (NdjsonLog log = NdjsonLog.open(dir, 1_000_000, Clock.systemUTC())) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ObjectNode doc = AuditMapper.map(new AuditMapper.Source("convoy.requests", 0, i, 0L, null, null, null, null));
                lines.add(Canonical.json(chain.append(doc)));
            }
            log.append(lines);
        }
        return dir;
    }

    @Test
    void verifyExitsZeroOnAnIntactChain() {
        writeChain(5);
        CliRun run = CliRun.run(work, Map.of(), "audit", "verify", "--dir", "audit");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("chain intact: 5 records, last seq 5");
    }

    @Test
    void verifyNamesTheSeqOfADeletedLineAndExitsNonZero() throws IOException {
        Path dir = writeChain(5);
        Path file = NdjsonLog.files(dir).get(0);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(2);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        CliRun run = CliRun.run(work, Map.of(), "audit", "verify", "--dir", "audit");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("chain broken at seq 3: missing");
    }

    @Test
    void verifyOfAMissingDirectoryIsABadArgument() {
        CliRun run = CliRun.run(work, Map.of(), "audit", "verify", "--dir", "nowhere");
        assertThat(run.exitCode()).as(run.toString()).isNotZero().isNotEqualTo(1);
        assertThat(run.all()).contains("MIG020").contains("nowhere");
    }

    @Test
    void queryNeedsASearchUrlAndAValidFormat() {
        CliRun noUrl = CliRun.run(work, Map.of(), "audit", "query", "--target", "t1");
        assertThat(noUrl.all()).contains("MIG020").contains("--search-url");
        CliRun badFormat = CliRun.run(work, Map.of(), "audit", "query", "--search-url", "http://127.0.0.1:1", "--format", "xml");
        assertThat(badFormat.all()).contains("--format must be table or json");
        CliRun badSince = CliRun.run(work, Map.of(), "audit", "query", "--search-url", "http://127.0.0.1:1", "--since", "yesterday");
        assertThat(badSince.all()).contains("--since must be an instant");
    }
}
