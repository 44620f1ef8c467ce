package io.convoy.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderKeyTest {

    @Test
    void tableHasUniqueNamesAndOnlyRevisionIsRequired() {
        assertThat(HeaderKey.ALL).extracting(HeaderKey::name).doesNotHaveDuplicates()
                .doesNotContain(RevisionParser.UPGRADE, RevisionParser.DOWNGRADE);
        assertThat(HeaderKey.ALL).filteredOn(HeaderKey::required).containsExactly(HeaderKey.REVISION);
        assertThat(HeaderKey.knownNames()).isEqualTo(
                "revision, down_revision, branch_labels, depends_on, message, transactional, lock_timeout, statement_timeout");
    }

    @Test
    void lookUpByName() {
        assertThat(HeaderKey.byName("lock_timeout")).containsSame(HeaderKey.LOCK_TIMEOUT);
        assertThat(HeaderKey.byName("LOCK_TIMEOUT")).isEmpty();
        assertThat(HeaderKey.byName("upgrade")).isEmpty();
    }

    @Test
    void writesItsOwnLine() {
        assertThat(HeaderKey.DOWN_REVISION.line("a1, b2")).isEqualTo("-- convoy:down_revision: a1, b2");
    }

    @Test
    void listsAreTrimmedAndKeepOrder() {
        assertThat(HeaderKey.DOWN_REVISION.parse(" b2 ,a1,  c3")).isEqualTo(List.of("b2", "a1", "c3"));
        assertThat(HeaderKey.BRANCH_LABELS.parse("zeta, alpha")).containsExactly("zeta", "alpha");
        assertThatThrownBy(() -> HeaderKey.BRANCH_LABELS.parse("a, a")).hasMessage("'a' is listed twice");
        assertThatThrownBy(() -> HeaderKey.DOWN_REVISION.parse(",")).hasMessageStartingWith("empty item");
    }
}
