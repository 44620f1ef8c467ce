package io.convoy.planner.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetFileTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("fleet.yaml"), yaml);
    }

    @Test
    void readsClustersAndTargetsAndSelectsByIdsAndLabels() throws Exception {
        Fleet fleet = FleetFile.load(write("""
                clusters:
                  - id: pg-eu
                    standbys: [pg-eu-b, pg-eu-c]
                  - id: pg-us
                targets:
                  - id: billing-eu
                    cluster: pg-eu
                    labels: {env: prod, tenant: acme, shard: 3}
                  - id: billing-us
                    cluster: pg-us
                    labels: {env: prod, tenant: zeta}
                  - id: billing-dev
                    cluster: pg-eu
                    labels: {env: dev}
                """));
        assertThat(fleet.clusters().get("pg-eu").standbys()).containsExactly("pg-eu-b", "pg-eu-c");
        assertThat(fleet.clusters().get("pg-us").standbys()).isEmpty();
        assertThat(fleet.targets().get("billing-eu").labels()).containsEntry("shard", "3");

        Fleet.Selection prod = fleet.select(List.of(), Map.of("env", "prod"));
        assertThat(prod.targets()).extracting(Target::id).containsExactly("billing-eu", "billing-us");
        Fleet.Selection union = fleet.select(List.of("billing-dev", "billing-eu"), Map.of("tenant", "zeta"));
        assertThat(union.targets()).extracting(Target::id).containsExactly("billing-dev", "billing-eu", "billing-us");
        Fleet.Selection unknown = fleet.select(List.of("nope", "billing-eu"), Map.of("env", "qa"));
        assertThat(unknown.unknownIds()).containsExactly("nope");
        assertThat(unknown.selectorMatches()).isZero();
    }

    @Test
    void everyProblemIsReportedWithFileLineAndEntry() throws Exception {
        Path file = write("""
                clusters:
                  - id: pg-eu
                  - id: pg-eu
                targets:
                  - id: a
                    cluster: pg-xx
                  - id: b
                    cluster: pg-eu
                  - id: b
                    cluster: pg-eu
                  - cluster: pg-eu
                  - id: "bad id"
                    cluster: pg-eu
                  - id: c
                    cluster: pg-eu
                    labels: {env: ""}
                """);
        assertThatThrownBy(() -> FleetFile.load(file))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("6 problems")
                .hasMessageContaining(file + ":3: clusters[1] (pg-eu): duplicate cluster id 'pg-eu' (first declared on line 2)")
                .hasMessageContaining(file + ":5: targets[0] (a): unknown cluster 'pg-xx' (declared clusters: pg-eu)")
                .hasMessageContaining(file + ":9: targets[2] (b): duplicate target id 'b' (first declared on line 7)")
                .hasMessageContaining(file + ":11: targets[3]: id is missing")
                .hasMessageContaining(file + ":12: targets[4]: id 'bad id' is not valid")
                .hasMessageContaining(file + ":14: targets[5] (c): label 'env' has no value");
    }

    @Test
    void unknownKeysAndWrongShapesAreNamed() throws Exception {
        assertThatThrownBy(() -> FleetFile.load(write("clusters: []\ntargets:\n  - id: a\n    cluster: x\n    password: hunter2\n")))
                .hasMessageContaining("fleet.yaml:3: targets[0]: unknown key 'password'");
        assertThatThrownBy(() -> FleetFile.load(write("clusters: []\nhosts: []\n")))
                .hasMessageContaining("fleet.yaml:2: unknown key 'hosts'");
        assertThatThrownBy(() -> FleetFile.load(write("clusters: pg-eu\n")))
                .hasMessageContaining("fleet.yaml:1: clusters must be a list");
        assertThatThrownBy(() -> FleetFile.load(dir.resolve("none.yaml")))
                .hasMessageContaining("none.yaml does not exist");
    }
}
