package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepRunnerCombinedTest {

    @Test
    void severalBookkeepingStatementsBecomeOneWithStatementKeepingTheValuesInOrder() {
        BoundStatement delete = BoundStatement.of("DELETE FROM v WHERE n = ?", SqlValue.text("a"));
        BoundStatement insert = BoundStatement.of("INSERT INTO v (n) VALUES (?)", SqlValue.text("b"));
        BoundStatement history = BoundStatement.of("INSERT INTO h (r, c) VALUES (?, ?)", SqlValue.text("b"), new SqlValue.Int(3));

        BoundStatement combined = StepRunner.combined(List.of(delete, insert, history));

        assertThat(combined.sql()).isEqualTo("WITH w1 AS (DELETE FROM v WHERE n = ?), w2 AS (INSERT INTO v (n) VALUES (?))"
                + " INSERT INTO h (r, c) VALUES (?, ?)");
        assertThat(combined.values()).containsExactly(SqlValue.text("a"), SqlValue.text("b"), SqlValue.text("b"),
                new SqlValue.Int(3));
    }

    @Test
    void aSingleStatementIsLeftAsItIs() {
        BoundStatement only = BoundStatement.of("INSERT INTO v (n) VALUES (?)", SqlValue.text("b"));
        assertThat(StepRunner.combined(List.of(only))).isSameAs(only);
    }
}
