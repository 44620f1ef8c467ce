package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConcurrentIndexesTest {

    @Test
    void namedCreateIndexConcurrentlyProbesThatIndexOnItsTable() {
        ConcurrentIndexes.Target t = ConcurrentIndexes.of(
                "-- unique emails\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS Accounts_Email_Key ON ONLY app.accounts (email)")
                .orElseThrow();
        assertThat(t.indexName()).contains("Accounts_Email_Key");
        assertThat(t.probe()).contains("c.relname = 'accounts_email_key' AND i.indrelid = to_regclass('app.accounts')");
        assertThat(t.probeQuery().orElseThrow()).startsWith("SELECT c.oid::regclass::text FROM pg_index i")
                .contains("NOT i.indisvalid");
    }

    @Test
    void quotedNamesKeepTheirCase() {
        ConcurrentIndexes.Target t = ConcurrentIndexes.of("create index concurrently \"Idx \"\"x\"\"\" on \"T\" (a)").orElseThrow();
        assertThat(t.probe().orElseThrow()).contains("c.relname = 'Idx \"x\"'").contains("to_regclass('\"T\"')");
    }

    @Test
    void unnamedBuildIsRecognisedButCannotBeProbed() {
        ConcurrentIndexes.Target t = ConcurrentIndexes.of("CREATE INDEX CONCURRENTLY ON t (a)").orElseThrow();
        assertThat(t.indexName()).isEmpty();
        assertThat(t.probe()).isEmpty();
    }

    @Test
    void reindexConcurrentlyProbesTheCcnewLeftOvers() {
        assertThat(ConcurrentIndexes.of("REINDEX (VERBOSE) TABLE CONCURRENTLY public.t").orElseThrow().probe().orElseThrow())
                .isEqualTo("i.indrelid = to_regclass('public.t') AND c.relname ~ '_ccnew[0-9]*$'");
        assertThat(ConcurrentIndexes.of("reindex index concurrently t_a_idx").orElseThrow().probe().orElseThrow())
                .contains("x.indexrelid = to_regclass('t_a_idx')").contains("_ccnew");
        assertThat(ConcurrentIndexes.of("REINDEX SCHEMA CONCURRENTLY public").orElseThrow().probe()).isEmpty();
    }

    @Test
    void ordinaryStatementsAreNotConcurrentBuilds() {
        assertThat(ConcurrentIndexes.of("CREATE INDEX t_a ON t (a)")).isEqualTo(Optional.empty());
        assertThat(ConcurrentIndexes.of("REINDEX TABLE t")).isEmpty();
        assertThat(ConcurrentIndexes.of("DROP INDEX CONCURRENTLY t_a")).isEmpty();
        assertThat(ConcurrentIndexes.of("COMMENT ON TABLE t IS 'CREATE INDEX CONCURRENTLY x ON t'")).isEmpty();
    }
}
