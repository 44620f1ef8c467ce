package io.convoy.schemas.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ControlScopeTest {

    @Test
    void keysRoundTrip() {
        for (String key : new String[] {"all", "cluster:eu-1", "target:orders-eu-1", "cluster:a:b"}) {
            assertThat(ControlScope.parse(key).key()).isEqualTo(key);
        }
        assertThat(ControlScope.parse("all")).isSameAs(ControlScope.ALL);
        assertThat(ControlScope.parse("cluster:eu-1")).isEqualTo(ControlScope.cluster("eu-1"));
        assertThat(ControlScope.parse("target:t1").kind()).isEqualTo(ControlScope.Kind.TARGET);
        assertThat(ControlScope.parse("cluster:a:b").id()).isEqualTo("a:b");
    }

    @Test
    void badScopesAreRefusedNamingTheText() {
        assertThatThrownBy(() -> ControlScope.parse("global")).hasMessageContaining("'global'")
                .hasMessageContaining("all, cluster:<id> or target:<id>");
        assertThatThrownBy(() -> ControlScope.parse("cluster:")).hasMessageContaining("'cluster:'");
        assertThatThrownBy(() -> ControlScope.parse("target:a b")).hasMessageContaining("'target:a b'");
        assertThatThrownBy(() -> ControlScope.parse("ALL")).hasMessageContaining("'ALL'");
        assertThatThrownBy(() -> ControlScope.parse(null)).hasMessageContaining("no control scope");
        assertThatThrownBy(() -> new ControlScope(ControlScope.Kind.ALL, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTargetIsCoveredByAllItsClusterAndItself() {
        assertThat(ControlScope.covering("t1", "c1")).containsExactly("all", "cluster:c1", "target:t1");
        assertThat(ControlScope.covering("t1", null)).containsExactly("all", "target:t1");
    }
}
