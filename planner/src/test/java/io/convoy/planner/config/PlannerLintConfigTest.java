package io.convoy.planner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.planner.PlannerService;
import io.convoy.planner.fleet.Fleet;
import io.convoy.planner.lint.PlanLinter;
import io.convoy.planner.lint.ShadowPlanLinter;
import io.convoy.core.graph.RevisionGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerLintConfigTest {
    private static final Path CWD = Path.of("").toAbsolutePath();

    @Test
    void lintIsOffByDefaultAndNoShadowIsPlanned() {
        PlannerConfig c = PlannerConfig.defaults(CWD);
        assertThat(c.lint()).isFalse();
        assertThat(c.lintRows()).isEqualTo(1000);
        assertThat(c.verifyRollbackEnvs()).isEmpty();
        Fleet fleet = Fleet.of(CWD.resolve("fleet.yaml"), List.of(), List.of());
        assertThat(PlannerService.linter(c, fleet, RevisionGraph.of(List.of()))).isSameAs(PlanLinter.NONE);
    }

    @Test
    void verifyRollbackEnvsIsACommaSeparatedListAndEitherKeyTurnsTheShadowLinterOn() {
        PlannerConfig c = PlannerConfig.load(CWD, Optional.empty(),
                Map.of("CONVOY_PLANNER_VERIFY_ROLLBACK_ENVS", " prod, staging ,", "CONVOY_PLANNER_LINT_ROWS", "50"));
        assertThat(c.verifyRollbackEnvs()).containsExactly("prod", "staging");
        assertThat(c.lintRows()).isEqualTo(50);
        Fleet fleet = Fleet.of(CWD.resolve("fleet.yaml"), List.of(), List.of());
        assertThat(PlannerService.linter(c, fleet, RevisionGraph.of(List.of()))).isInstanceOf(ShadowPlanLinter.class);
        assertThat(PlannerService.linter(PlannerConfig.defaults(CWD).with(PlannerConfig.Key.LINT, "true"), fleet,
                RevisionGraph.of(List.of()))).isInstanceOf(ShadowPlanLinter.class);
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> PlannerConfig.defaults(CWD).with(PlannerConfig.Key.LINT_ROWS, "0"))
                .isInstanceOf(ConvoyException.class).hasMessageContaining("lint_rows");
        assertThatThrownBy(() -> PlannerConfig.defaults(CWD).with(PlannerConfig.Key.VERIFY_ROLLBACK_ENVS, "prod, my env"))
                .isInstanceOf(ConvoyException.class).hasMessageContaining("verify_rollback_envs").hasMessageContaining("spaces");
        assertThatThrownBy(() -> PlannerConfig.defaults(CWD).with(PlannerConfig.Key.LINT, "yes"))
                .isInstanceOf(ConvoyException.class).hasMessageContaining("lint");
    }
}
