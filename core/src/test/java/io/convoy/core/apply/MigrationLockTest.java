package io.convoy.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MigrationLockTest {

    @Test
    void keyIsAStableContractPerVersionSchema() {
        // Pinned: every Convoy version must derive the same key, or two versions could migrate one database at once.
        assertThat(MigrationLock.keyFor("convoy")).isEqualTo(-1296802838880896237L);
        assertThat(MigrationLock.keyFor("convoy")).isEqualTo(MigrationLock.keyFor("convoy"));
    }

    @Test
    void differentVersionSchemasLockIndependently() {
        assertThat(MigrationLock.keyFor("convoy")).isNotEqualTo(MigrationLock.keyFor("other"));
        assertThat(MigrationLock.keyFor("billing_versions")).isNotEqualTo(MigrationLock.keyFor("billing_version"));
    }
}
