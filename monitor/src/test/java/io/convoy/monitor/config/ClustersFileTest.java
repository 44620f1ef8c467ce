package io.convoy.monitor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.monitor.config.ClusterSpec.StandbySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClustersFileTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("clusters.yaml"), yaml);
    }

    @Test
    void readsClustersWithCredentialSourcesAndStandbys() throws Exception {
        Files.writeString(dir.resolve("us.pw"), "s3cret\nignored\n");
        List<ClusterSpec> clusters = ClustersFile.load(write("""
                clusters:
                  - id: eu-1
                    primary: jdbc:postgresql://10.0.0.5:5432/postgres
                    user: convoy_monitor
                    password_env: EU1_PW
                    standbys:
                      - name: eu-1-replica-a
                        slot: eu_1_replica_a
                      - eu-1-replica-b
                  - id: us-1
                    primary: jdbc:postgresql://10.1.0.5:5432/postgres
                    password_file: us.pw
                """));
        assertThat(clusters).hasSize(2);
        ClusterSpec eu = clusters.get(0);
        assertThat(eu.id()).isEqualTo("eu-1");
        assertThat(eu.user()).contains("convoy_monitor");
        assertThat(eu.line()).isEqualTo(2);
        assertThat(eu.standbys()).containsExactly(new StandbySpec("eu-1-replica-a", Optional.of("eu_1_replica_a")),
                new StandbySpec("eu-1-replica-b", Optional.empty()));
        assertThat(eu.password(Map.of("EU1_PW", "pw"))).contains("pw");
        assertThatThrownBy(() -> eu.password(Map.of())).hasMessageContaining("EU1_PW").hasMessageContaining("not set");
        ClusterSpec us = clusters.get(1);
        assertThat(us.standbys()).isEmpty();
        assertThat(us.passwordFile()).contains(dir.resolve("us.pw"));
        assertThat(us.password(Map.of())).contains("s3cret");
        assertThat(us.toString()).doesNotContain("s3cret");
    }

    @Test
    void mistakesAreMig020WithFileAndLine() throws Exception {
        expect("clusters:\n  - id: a\n    primary: jdbc:postgresql://h/db\n  - id: a\n    primary: jdbc:postgresql://h/db\n",
                "clusters.yaml:4", "'a' appears twice");
        expect("clusters:\n  - id: a\n", "clusters.yaml:2", "cluster a: primary is missing");
        expect("clusters:\n  - id: a\n    primary: postgres://h/db\n", ":2", "jdbc:postgresql:");
        expect("clusters:\n  - id: a\n    primary: jdbc:postgresql://h/db\n    password: x\n", ":2", "password_env or password_file");
        expect("clusters:\n  - id: a\n    primary: jdbc:postgresql://h/db\n    password_env: A\n    password_file: f\n", ":2", "not both");
        expect("clusters:\n  - id: a b\n    primary: jdbc:postgresql://h/db\n", ":2", "'a b'");
        expect("clusters:\n  - id: a\n    primary: jdbc:postgresql://h/db\n    standby: [x]\n", ":2", "unknown key 'standby'");
        expect("clusters:\n  - id: a\n    primary: jdbc:postgresql://h/db\n    standbys: [x, x]\n", ":2", "'x' appears twice");
        expect("clusters: []\n", ":1", "no clusters");
        expect("fleet: []\n", ":1", "unknown key 'fleet'");
        expect("clusters:\n  - id: [\n", "clusters.yaml", "not valid YAML");
        assertThatThrownBy(() -> ClustersFile.load(dir.resolve("missing.yaml"))).hasMessageContaining("does not exist");
    }

    private void expect(String yaml, String where, String what) throws Exception {
        Path f = write(yaml);
        assertThatThrownBy(() -> ClustersFile.load(f))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining(where).hasMessageContaining(what);
    }
}
