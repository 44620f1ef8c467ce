package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BoundStatementTest {

    @Test
    void literalFormQuotesTextAndTurnsTimesIntoExpressions() {
        BoundStatement s = BoundStatement.of("INSERT INTO x VALUES (?, ?, ?, ?, ?, ?)", SqlValue.text("o'brien"),
                new SqlValue.Int(42), new SqlValue.Null(), SqlValue.Time.STARTED_AT, SqlValue.Time.NOW, SqlValue.Time.ELAPSED_MS);
        assertThat(s.toLiteralSql()).isEqualTo("INSERT INTO x VALUES ('o''brien', 42, NULL, now(), clock_timestamp(),"
                + " (extract(epoch from clock_timestamp() - now()) * 1000)::bigint)");
    }

    @Test
    void placeholderCountMustMatch() {
        assertThatThrownBy(() -> new BoundStatement("SELECT ?", List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 placeholders but 0 values");
    }

    @Test
    void timeSettingsAreMillisecondsOrOff() {
        assertThat(SqlLiterals.timeSetting(java.time.Duration.ofSeconds(2))).isEqualTo("'2000ms'");
        assertThat(SqlLiterals.timeSetting(java.time.Duration.ZERO)).isEqualTo("'0'");
    }
}
