package io.convoy.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevisionIdsTest {

    @Test
    void randomIdsAreTwelveLowerCaseHexDigitsAndDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = RevisionIds.random();
            assertThat(id).matches("[0-9a-f]{12}");
            assertThat(RevisionIds.isValidId(id)).isTrue();
            seen.add(id);
        }
        assertThat(seen).hasSize(200);
    }

    @Test
    void idRules() {
        assertThat(RevisionIds.isValidId("3f2a9c1b7d4e")).isTrue();
        assertThat(RevisionIds.isValidId("A_1")).isTrue();
        assertThat(RevisionIds.isValidId("x".repeat(64))).isTrue();
        assertThat(RevisionIds.isValidId("x".repeat(65))).isFalse();
        assertThat(RevisionIds.isValidId("")).isFalse();
        assertThat(RevisionIds.isValidId(null)).isFalse();
        assertThat(RevisionIds.isValidId("Head")).isFalse();
        assertThat(RevisionIds.isValidId("a-1")).isFalse();
        assertThat(RevisionIds.isValidId("é")).isFalse();
    }

    @Test
    void labelRules() {
        assertThat(RevisionIds.checkLabel("_billing2")).isEqualTo("_billing2");
        assertThatThrownBy(() -> RevisionIds.checkLabel("2billing")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RevisionIds.checkLabel("bill@head")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RevisionIds.checkLabel("base"))
                .hasMessage("'base' is not a valid branch label: it is a reserved word (base, current, head, heads)");
    }
}
