package io.convoy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void keysTableListsEveryKeyWithItsVariableDefaultAndDoc() {
        String table = Main.keysTable();
        for (AuditConfig.Key k : AuditConfig.Key.values()) {
            assertThat(table).contains(k.key()).contains(k.envVar()).contains(k.doc());
        }
        assertThat(table).containsPattern("bootstrap_servers +CONVOY_AUDIT_BOOTSTRAP_SERVERS +\\(required\\)")
                .containsPattern("max_poll_records +CONVOY_AUDIT_MAX_POLL_RECORDS +5000 ");
    }
}
