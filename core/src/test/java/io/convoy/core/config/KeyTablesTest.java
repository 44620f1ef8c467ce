package io.convoy.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyTablesTest {
    @Test
    void theKeysTableHasOneAlignedLinePerKeyWithVariableDefaultAndDoc() {
        List<String> lines = KeyTables.keys(TestKey.class).lines().toList();
        assertThat(lines).hasSize(TestKey.values().length);
        assertThat(lines.get(0)).matches("servers +CONVOY_TEST_SERVERS +\\(required\\) +bootstrap servers");
        assertThat(lines.get(2)).matches("wait +CONVOY_TEST_WAIT +2s +how long to wait");
        assertThat(lines.get(4)).matches("retry\\.attempts +CONVOY_TEST_RETRY_ATTEMPTS +5 +attempts");
        assertThat(lines.get(5)).matches("id +CONVOY_TEST_ID +\"\" +who we are; empty = the host");
        int docColumn = lines.get(0).indexOf("bootstrap servers");
        assertThat(lines).allSatisfy(l -> assertThat(l.charAt(docColumn - 1)).isEqualTo(' '));
        assertThat(lines.get(2).indexOf("how long")).isEqualTo(docColumn);
    }

    @Test
    void aKeyThatIsNeitherSetNorRequiredShowsNone() {
        assertThat(KeyTables.shownDefault(ConfigKey.URL)).isEqualTo("(none)");
        assertThat(KeyTables.shownDefault(ConfigKey.LOCK_TIMEOUT)).isEqualTo("2s");
    }
}
