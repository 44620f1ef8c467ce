package io.convoy.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlStatesTest {

    @Test
    void lockTimeoutDeadlockAndSerializationAreContention() {
        assertThat(SqlStates.classify(new SQLException("x", "55P03"))).isEqualTo(SqlStates.Kind.CONTENTION);
        assertThat(SqlStates.classify(new SQLException("x", "40P01"))).isEqualTo(SqlStates.Kind.CONTENTION);
        assertThat(SqlStates.classify(new SQLException("x", "40001"))).isEqualTo(SqlStates.Kind.CONTENTION);
        assertThat(SqlStates.RETRIABLE_LOCK).accepts(new RuntimeException(new SQLException("x", "55P03")));
    }

    @Test
    void brokenConnectionIsRetriableButNotLockContention() {
        SQLException broken = new SQLException("x", "08006");
        assertThat(SqlStates.classify(broken)).isEqualTo(SqlStates.Kind.CONNECTION);
        assertThat(SqlStates.RETRIABLE).accepts(broken);
        assertThat(SqlStates.RETRIABLE_LOCK).rejects(broken);
    }

    @Test
    void syntaxErrorsAndUnknownFailuresArePermanent() {
        assertThat(SqlStates.classify(new SQLException("x", "42601"))).isEqualTo(SqlStates.Kind.PERMANENT);
        assertThat(SqlStates.classify(new IllegalStateException("no sqlstate"))).isEqualTo(SqlStates.Kind.PERMANENT);
        assertThat(SqlStates.RETRIABLE).rejects(new SQLException("x", "23505"));
    }

    @Test
    void convoyExceptionKeepsTheSqlStateOfItsCause() {
        ConvoyException e = new ConvoyException(ErrorCode.MIG003, "lock", new SQLException("x", "55P03"));
        assertThat(e.sqlState()).contains("55P03");
        assertThat(SqlStates.sqlState(new RuntimeException(e))).contains("55P03");
        assertThat(e).hasToString("MIG003: lock");
    }
}
