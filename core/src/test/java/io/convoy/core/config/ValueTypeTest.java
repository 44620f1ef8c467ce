package io.convoy.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ValueTypeTest {
    private static final Path BASE = Path.of("/etc/convoy");

    private static Object parse(ValueType t, String raw) {
        return t.parse(raw, BASE);
    }

    private static void rejects(ValueType t, String raw) {
        assertThatThrownBy(() -> parse(t, raw)).as(t + " '" + raw + "'").isInstanceOf(ValueType.Invalid.class);
    }

    @Test
    void strings() {
        assertThat(parse(ValueType.STRING, "  kafka:9092 ")).isEqualTo("kafka:9092");
        rejects(ValueType.STRING, "  ");
        assertThat(parse(ValueType.OPTIONAL_STRING, " ")).isEqualTo("");
        assertThat(parse(ValueType.SECRET, " pa ss ")).as("secrets are kept as written").isEqualTo(" pa ss ");
        assertThat(parse(ValueType.IDENTIFIER, "convoy_2")).isEqualTo("convoy_2");
        rejects(ValueType.IDENTIFIER, "Bad-Schema");
        rejects(ValueType.IDENTIFIER, "2convoy");
    }

    @Test
    void urls() {
        assertThat(parse(ValueType.HTTP_URL, "https://reg:8081/x")).isEqualTo("https://reg:8081/x");
        rejects(ValueType.HTTP_URL, "ftp://reg");
        rejects(ValueType.HTTP_URL, "https://");
        assertThat(parse(ValueType.JDBC_URL, "jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
        rejects(ValueType.JDBC_URL, "jdbc:mysql://h/db");
    }

    @Test
    void booleansAndNumbers() {
        assertThat(parse(ValueType.BOOLEAN, "TRUE")).isEqualTo(true);
        assertThat(parse(ValueType.BOOLEAN, "false")).isEqualTo(false);
        rejects(ValueType.BOOLEAN, "yes");
        assertThat(parse(ValueType.POSITIVE_INT, "7")).isEqualTo(7);
        rejects(ValueType.POSITIVE_INT, "0");
        rejects(ValueType.POSITIVE_INT, "3000000000");
        rejects(ValueType.POSITIVE_INT, "x");
        assertThat(parse(ValueType.POSITIVE_LONG, "3000000000")).isEqualTo(3_000_000_000L);
        rejects(ValueType.POSITIVE_LONG, "0");
        assertThat(parse(ValueType.REPLICATION, "-1")).isEqualTo(-1);
        assertThat(parse(ValueType.REPLICATION, "3")).isEqualTo(3);
        rejects(ValueType.REPLICATION, "0");
        rejects(ValueType.REPLICATION, "-2");
        assertThat(parse(ValueType.PORT, "-1")).isEqualTo(-1);
        assertThat(parse(ValueType.PORT, "0")).isEqualTo(0);
        assertThat(parse(ValueType.PORT, "65535")).isEqualTo(65535);
        rejects(ValueType.PORT, "65536");
        rejects(ValueType.PORT, "-2");
    }

    @Test
    void durations() {
        assertThat(parse(ValueType.DURATION, "30d")).isEqualTo(Duration.ofDays(30));
        assertThat(parse(ValueType.DURATION, "250ms")).isEqualTo(Duration.ofMillis(250));
        rejects(ValueType.DURATION, "soon");
        rejects(ValueType.DURATION, "5");
        assertThat(parse(ValueType.PG_DURATION, "5")).as("a bare number is milliseconds").isEqualTo(Duration.ofMillis(5));
        assertThat(parse(ValueType.PG_DURATION, "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> parse(ValueType.PG_DURATION, "soon")).isInstanceOf(ValueType.Invalid.class)
                .hasMessageContaining("is not a duration");
        assertThat(parse(ValueType.OPTIONAL_DURATION, "off")).isEqualTo(Optional.empty());
        assertThat(parse(ValueType.OPTIONAL_DURATION, "0")).isEqualTo(Optional.empty());
        assertThat(parse(ValueType.OPTIONAL_DURATION, "1min")).isEqualTo(Optional.of(Duration.ofMinutes(1)));
        rejects(ValueType.OPTIONAL_DURATION, "never");
    }

    @Test
    void pathsResolveAgainstTheirBase() {
        assertThat(parse(ValueType.PATH, "../versions")).isEqualTo(Path.of("/etc/versions"));
        assertThat(parse(ValueType.PATH, "/abs/x")).isEqualTo(Path.of("/abs/x"));
        rejects(ValueType.PATH, " ");
    }

    @Test
    void listsTemplatesAndPatterns() {
        assertThat(parse(ValueType.LIST, " prod, staging ,")).isEqualTo(List.of("prod", "staging"));
        assertThat(parse(ValueType.LIST, "")).isEqualTo(List.of());
        assertThatThrownBy(() -> parse(ValueType.LIST, "prod, my env")).hasMessageContaining("spaces");
        assertThat(parse(ValueType.TEMPLATE, "%(rev)s_%(slug)s")).isEqualTo("%(rev)s_%(slug)s");
        assertThatThrownBy(() -> parse(ValueType.TEMPLATE, "%(slug)s")).hasMessageContaining("%(rev)s");
        assertThat(((Pattern) parse(ValueType.REGEX, "[A-Z]+-[0-9]+")).matcher("ABC-1").matches()).isTrue();
        rejects(ValueType.REGEX, "[unclosed");
    }

    @Test
    void secretsAndUrlsAreMaskedWhenShown() {
        assertThat(ValueType.SECRET.shown("hunter2")).isEqualTo("****");
        assertThat(ValueType.HTTP_URL.shown("https://u:hunter2@reg")).doesNotContain("hunter2").contains("u:****@reg");
        assertThat(ValueType.JDBC_URL.shown("jdbc:postgresql://h/db?password=hunter2")).doesNotContain("hunter2");
        assertThat(ValueType.STRING.shown("plain")).isEqualTo("plain");
        assertThat(ValueType.HTTP_URL.secret()).isTrue();
        assertThat(ValueType.DURATION.secret()).isFalse();
    }
}
