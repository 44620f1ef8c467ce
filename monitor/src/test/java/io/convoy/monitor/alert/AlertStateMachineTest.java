package io.convoy.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.monitor.alert.AlertStateMachine.Change;
import io.convoy.monitor.alert.AlertStateMachine.Level;
import io.convoy.schemas.avro.AlertSeverity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Warn > 10 s, critical > 30 s, hold-down 20 s, on a clock moved by hand. */
class AlertStateMachineTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private final FakeClock clock = new FakeClock(T0);
    private final AlertStateMachine machine = new AlertStateMachine(new Thresholds(10, 30), Duration.ofSeconds(20));

    private Optional<Change> at(double secondsLater, double value) {
        clock.advanceSeconds(secondsLater);
        return machine.observe(value, clock.instant());
    }

    /** Every change of a series of (seconds later, value) observations. */
    private List<Change> run(double... pairs) {
        List<Change> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            at(pairs[i], pairs[i + 1]).ifPresent(out::add);
        }
        return out;
    }

    @Test
    void staysQuietUnderTheWarningLevelAndOnIt() {
        assertThat(run(0, 0, 1, 5, 1, 10, 1, 10.0)).isEmpty();
        assertThat(machine.level()).isEqualTo(Level.OK);
        assertThat(machine.firstSeen()).isEmpty();
    }

    @Test
    void warningThenCriticalAsSoonAsTheThresholdsAreCrossed() {
        Change warning = at(0, 10.5).orElseThrow();
        assertThat(warning.severity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(warning.threshold()).isEqualTo(10);
        assertThat(warning.value()).isEqualTo(10.5);
        assertThat(warning.firstSeen()).isEqualTo(T0);
        assertThat(warning.from()).isEqualTo(Level.OK);

        assertThat(at(1, 20)).as("still a warning: no second alert").isEmpty();
        Change critical = at(1, 30.1).orElseThrow();
        assertThat(critical.severity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(critical.threshold()).isEqualTo(30);
        assertThat(critical.firstSeen()).as("same episode").isEqualTo(T0);
        assertThat(critical.at()).isEqualTo(T0.plusSeconds(2));
        assertThat(at(1, 500)).isEmpty();
    }

    @Test
    void straightToCriticalFromOk() {
        Change c = at(0, 31).orElseThrow();
        assertThat(c.severity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(c.from()).isEqualTo(Level.OK);
        assertThat(machine.level()).isEqualTo(Level.CRITICAL);
    }

    @Test
    void resolvedOnlyAfterTheValueStayedUnderTheWarningLevelForTheHoldDown() {
        at(0, 15);
        assertThat(at(1, 2)).isEmpty();          // under since t=1
        assertThat(at(10, 3)).isEmpty();         // 10 s under
        assertThat(at(9.999, 0)).isEmpty();      // 19.999 s under
        Change resolved = at(0.001, 0).orElseThrow(); // 20 s under
        assertThat(resolved.severity()).isEqualTo(AlertSeverity.RESOLVED);
        assertThat(resolved.threshold()).isEqualTo(10);
        assertThat(resolved.firstSeen()).isEqualTo(T0);
        assertThat(resolved.at()).isEqualTo(T0.plusSeconds(21));
        assertThat(machine.level()).isEqualTo(Level.OK);
        assertThat(machine.firstSeen()).isEmpty();
    }

    @Test
    void aValueOverTheWarningLevelAgainRestartsTheHoldDown() {
        at(0, 15);
        at(1, 2);                                  // under since t=1
        assertThat(at(15, 11)).isEmpty();          // t=16 over again: no new alert (still WARNING)
        assertThat(at(1, 1)).isEmpty();            // t=17 under again
        assertThat(at(19, 1)).isEmpty();           // t=36: 19 s under
        assertThat(at(1, 1).orElseThrow().severity()).isEqualTo(AlertSeverity.RESOLVED); // t=37
    }

    @Test
    void aFlappingValueRaisesOneAlertNotAStorm() {
        List<Change> changes = run(0, 11, 1, 9, 1, 11, 1, 9, 1, 11, 1, 9, 1, 12, 1, 8);
        assertThat(changes).extracting(Change::severity).containsExactly(AlertSeverity.WARNING);
    }

    @Test
    void criticalStepsDownToWarningAfterTheHoldDownUnderTheCriticalLevel() {
        at(0, 40);
        assertThat(at(1, 20)).isEmpty();           // under critical since t=1
        assertThat(at(10, 35)).isEmpty();          // over again: restarts
        assertThat(at(1, 20)).isEmpty();           // under critical since t=12
        assertThat(at(19, 25)).isEmpty();          // t=31: 19 s
        Change down = at(1, 25).orElseThrow();     // t=32: 20 s
        assertThat(down.severity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(down.from()).isEqualTo(Level.CRITICAL);
        assertThat(down.threshold()).isEqualTo(10);
        assertThat(down.firstSeen()).isEqualTo(T0);
        assertThat(at(1, 31).orElseThrow().severity()).as("up again at once").isEqualTo(AlertSeverity.CRITICAL);
    }

    @Test
    void criticalResolvesDirectlyWhenTheValueFallsUnderTheWarningLevel() {
        at(0, 40);
        assertThat(at(1, 0)).isEmpty();
        assertThat(at(19, 0)).isEmpty();
        Change resolved = at(1, 0).orElseThrow();
        assertThat(resolved.severity()).isEqualTo(AlertSeverity.RESOLVED);
        assertThat(resolved.from()).isEqualTo(Level.CRITICAL);
    }

    @Test
    void timeUnderTheWarningLevelCountsTowardsResolvingAfterAStepDown() {
        at(0, 40);
        at(1, 5);                                  // under both since t=1
        // at t=21 both hold-downs are over: RESOLVED wins over a step down
        assertThat(at(20, 5).orElseThrow().severity()).isEqualTo(AlertSeverity.RESOLVED);
    }

    @Test
    void aNewEpisodeAfterResolvedHasANewFirstSeen() {
        at(0, 15);
        at(1, 0);
        at(20, 0);
        Change again = at(5, 12).orElseThrow();
        assertThat(again.severity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(again.firstSeen()).isEqualTo(T0.plusSeconds(26));
    }

    @Test
    void zeroHoldDownResolvesAtTheFirstValueUnderTheLevel() {
        AlertStateMachine quick = new AlertStateMachine(new Thresholds(1, 5), Duration.ZERO);
        assertThat(quick.observe(3, T0)).isPresent();
        assertThat(quick.observe(1, T0.plusMillis(1)).orElseThrow().severity()).isEqualTo(AlertSeverity.RESOLVED);
    }

    @Test
    void nanIsNoMeasurement() {
        at(0, 15);
        assertThat(at(30, Double.NaN)).isEmpty();
        assertThat(machine.level()).isEqualTo(Level.WARNING);
        assertThat(machine.lastValue()).isEqualTo(15);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new Thresholds(30, 10)).hasMessageContaining("below");
        assertThatThrownBy(() -> new Thresholds(10, 10)).hasMessageContaining("below");
        assertThatThrownBy(() -> new AlertStateMachine(new Thresholds(1, 2), Duration.ofSeconds(-1))).hasMessageContaining("negative");
    }
}
