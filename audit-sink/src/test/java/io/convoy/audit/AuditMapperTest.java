package io.convoy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convoy.schemas.avro.LintNote;
import io.convoy.schemas.avro.LintSeverity;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.StepStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditMapperTest {

    private static AuditMapper.Source source(String topic, Object value) {
        return new AuditMapper.Source(topic, 2, 7, 1_000L, "orders-eu-1".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1},
                value, null);
    }

    @Test
    void stepEventBecomesAnEcsRecordWithConvoyFields() {
        ObjectNode doc = AuditMapper.map(source("convoy.step-events", Events.step("r1", "orders-eu-1", StepStatus.FAILED)));
        assertThat(doc.at("/event/id").asText()).isEqualTo("convoy.step-events/2/7");
        assertThat(doc.at("/event/kind").asText()).isEqualTo("event");
        assertThat(doc.at("/event/action").asText()).isEqualTo("step-events.failed");
        assertThat(doc.at("/event/outcome").asText()).isEqualTo("failure");
        assertThat(doc.at("/@timestamp").asText()).isEqualTo("2026-03-01T12:34:56.789Z");
        assertThat(doc.at("/convoy/target").asText()).isEqualTo("orders-eu-1");
        assertThat(doc.at("/convoy/request").asText()).isEqualTo("r1");
        assertThat(doc.at("/convoy/error_code").asText()).isEqualTo("MIG003");
        assertThat(doc.at("/convoy/sql_state").asText()).isEqualTo("55P03");
        assertThat(doc.at("/convoy/lock_wait_ms").asLong()).isEqualTo(12);
        assertThat(doc.at("/convoy/duration_ms").asLong()).isEqualTo(40);
        assertThat(doc.at("/convoy/direction").asText()).isEqualTo("UPGRADE");
        assertThat(doc.at("/convoy/message").asText()).contains("password=****").doesNotContain(Events.SECRET);
    }

    @Test
    void requestNamesTheRequesterAndMasksTheReason() {
        ObjectNode doc = AuditMapper.map(source("convoy.requests", Events.request("r1")));
        assertThat(doc.at("/user/name").asText()).isEqualTo("alice");
        assertThat(doc.at("/convoy/revision").asText()).isEqualTo("head");
        assertThat(doc.toString()).doesNotContain(Events.SECRET);
    }

    @Test
    void commandCarriesTheSqlHashNeverTheSql() {
        ObjectNode doc = AuditMapper.map(source("convoy.commands", Events.command("r1", "orders-eu-1")));
        assertThat(doc.at("/convoy/checksum").asText()).isEqualTo("sha256:ab12");
        assertThat(doc.at("/convoy/sql_sha256").asText())
                .isEqualTo(Canonical.sha256("ALTER ROLE app PASSWORD '" + Events.SECRET + "'\n"));
        assertThat(doc.toString()).doesNotContain(Events.SECRET).doesNotContain("ALTER ROLE");
    }

    @Test
    void commandRecordsItsLintFindingsRulesSeveritiesWorstAndApprovals() {
        ObjectNode doc = AuditMapper.map(source("convoy.commands", Events.commandWithFindings("r1", "orders-eu-1")));
        assertThat(doc.at("/convoy/lint/rules").toString()).isEqualTo("[\"CV002\",\"CV012\",\"CV011\"]");
        assertThat(doc.at("/convoy/lint/severities").toString()).isEqualTo("[\"error\",\"warning\",\"info\"]");
        assertThat(doc.at("/convoy/lint/worst").asText()).isEqualTo("error");
        assertThat(doc.at("/convoy/lint/approved").toString()).isEqualTo("[\"CV002\"]");
        assertThat(doc.at("/convoy/lint/count").asInt()).isEqualTo(4);
        assertThat(doc.toString()).as("finding messages are not copied").doesNotContain(Events.SECRET);
    }

    @Test
    void theWorstSeverityIsTheWorstFoundAndNothingApprovedGivesAnEmptyList() {
        MigrationCommand c = Events.command("r1", "orders-eu-1");
        c.setLintFindings(List.of(Events.finding("CV011", LintSeverity.INFO, null, false),
                Events.finding("CV009", LintSeverity.WARNING, null, false)));
        ObjectNode doc = AuditMapper.map(source("convoy.commands", c));
        assertThat(doc.at("/convoy/lint/worst").asText()).isEqualTo("warning");
        assertThat(doc.at("/convoy/lint/approved").isArray()).isTrue();
        assertThat(doc.at("/convoy/lint/approved")).isEmpty();
    }

    @Test
    void aRequestRecordsTheRulesItApproves() {
        MigrationRequest request = Events.request("r1");
        assertThat(AuditMapper.map(source("convoy.requests", request)).at("/convoy").has("lint")).isFalse();
        request.setApprovals(List.of("CV002", "VR001"));
        ObjectNode doc = AuditMapper.map(source("convoy.requests", request));
        assertThat(doc.at("/convoy/lint/approved").toString()).isEqualTo("[\"CV002\",\"VR001\"]");
        assertThat(doc.at("/convoy/lint").has("rules")).isFalse();
    }

    @Test
    void aCommandWithoutFindingsHasNoLintObject() {
        ObjectNode doc = AuditMapper.map(source("convoy.commands", Events.command("r1", "orders-eu-1")));
        assertThat(doc.at("/convoy").has("lint")).isFalse();
        assertThat(AuditMapper.map(source("convoy.step-events", Events.step("r1", "orders-eu-1", StepStatus.APPLIED)))
                .at("/convoy").has("lint")).isFalse();
    }

    @Test
    void aV2CommandShowsItsApprovedFindingsAsApprovedErrors() {
        // what a v2 record (approved_findings only) reads as with the current schema: lint_findings defaults to []
        MigrationCommand c = Events.command("r1", "orders-eu-1");
        c.setApprovedFindings(List.of(new LintNote("CV007", "MIG007", "column dropped"), new LintNote("VR001", "MIG008", "x")));
        ObjectNode doc = AuditMapper.map(source("convoy.commands", c));
        assertThat(doc.at("/convoy/lint/rules").toString()).isEqualTo("[\"CV007\",\"VR001\"]");
        assertThat(doc.at("/convoy/lint/approved").toString()).isEqualTo("[\"CV007\",\"VR001\"]");
        assertThat(doc.at("/convoy/lint/worst").asText()).isEqualTo("error");
        assertThat(doc.at("/convoy/lint/count").asInt()).isEqualTo(2);
    }

    @Test
    void undecodableRecordIsAPipelineErrorWithTheBytesHash() {
        byte[] raw = {9, 9, 9};
        ObjectNode doc = AuditMapper.map(new AuditMapper.Source("convoy.commands", 0, 1, 5_000L, null, raw, null,
                "unknown magic byte 0x09"));
        assertThat(doc.at("/event/kind").asText()).isEqualTo("pipeline_error");
        assertThat(doc.at("/event/outcome").asText()).isEqualTo("failure");
        assertThat(doc.at("/convoy/raw_sha256").asText()).isEqualTo(Canonical.sha256(raw));
        assertThat(doc.at("/@timestamp").asText()).isEqualTo("1970-01-01T00:00:05Z");
    }

    @Test
    void tombstoneIsAudited() {
        ObjectNode doc = AuditMapper.map(new AuditMapper.Source("convoy.target-state", 0, 1, 5_000L, null, null, null, null));
        assertThat(doc.at("/event/action").asText()).isEqualTo("target-state.tombstone");
    }
}
