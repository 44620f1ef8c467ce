package io.convoy.executor.halt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.convoy.executor.command.Command;
import io.convoy.executor.command.TestCommands;
import io.convoy.executor.step.StatementContext;
import io.convoy.executor.step.StepInterrupted;
import io.convoy.executor.step.StepUpdate;
import io.convoy.executor.targets.TargetsFile;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.control.ControlOrders;
import io.convoy.schemas.control.ControlScope;
import io.convoy.schemas.control.HaltState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The gate's decisions, with the halt state fed by hand as the control feed would feed it. */
class HaltGateTest {
    private static final TargetsFile TARGETS = TargetsFile.parse("""
            targets:
              orders-eu-1:
                url: jdbc:postgresql://127.0.0.1:1/orders
                cluster: eu
            """, Path.of("targets.yaml"), Map.of());

    private final HaltState state = new HaltState();
    private final HaltGate gate = new HaltGate(TARGETS, state);
    private final List<String> reports = new CopyOnWriteArrayList<>();

    /** Before a statement of a step under way (or between two batches of a batched statement). */
    private StatementContext at(Command c, int statement, boolean interruptible) {
        return new StatementContext(c, 1, statement, c.statements().size(), interruptible, false,
                (status, message) -> reports.add(status + ": " + message));
    }

    /** As a step's attempt starts, before anything of it ran. */
    private StatementContext start(Command c) {
        return new StatementContext(c, 1, 1, c.statements().size(), true, true,
                (status, message) -> reports.add(status + ": " + message));
    }

    private void order(ControlScope scope, ControlAction action) {
        ControlRecord r = ControlOrders.operator(scope, action, "alice", action == ControlAction.RESUME ? "" : "freeze", Instant.now());
        state.apply(scope.key(), r);
        gate.onControl(scope.key(), r);
    }

    @Test
    void anUnhaltedTargetPassesAndAHaltOfAnotherClusterDoesNotCoverIt() {
        order(ControlScope.cluster("us"), ControlAction.HALT);
        gate.beforeStatement(start(TestCommands.upgrade()));
        gate.beforeStatement(at(TestCommands.upgrade(), 1, true));
        assertThat(reports).isEmpty();
        assertThat(gate.holds("orders-eu-1")).isFalse();
    }

    @Test
    void aClusterHaltBeforeAStepStartsInterruptsItAndHoldsTheTargetWithoutAWorkerUntilResume() {
        order(ControlScope.cluster("eu"), ControlAction.HALT);
        Command c = TestCommands.upgrade();
        assertThatThrownBy(() -> gate.beforeStatement(start(c))).isInstanceOf(StepInterrupted.class)
                .hasMessageContaining("before the step started");
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0)).startsWith(StepUpdate.Status.HALTED + ": halted before the step's first statement")
                .contains("HALT of cluster:eu by operator alice (freeze)");
        assertThat(gate.holds("orders-eu-1")).as("the executor leaves its commands queued").isTrue();
        assertThat(gate.holds("another-target")).isFalse();
        // started again anyway (e.g. after a rebalance): interrupted again, HALTED not announced twice
        assertThatThrownBy(() -> gate.beforeStatement(start(c))).isInstanceOf(StepInterrupted.class);
        assertThat(reports).hasSize(1);

        order(ControlScope.cluster("eu"), ControlAction.RESUME);
        assertThat(gate.holds("orders-eu-1")).isFalse();
        gate.beforeStatement(start(c));
        assertThat(reports).hasSize(2);
        assertThat(reports.get(1)).startsWith(StepUpdate.Status.RESUMED + ": halt lifted");
    }

    @Test
    void betweenTwoBatchesOfABatchedStatementTheHaltPausesInsteadOfRollingBack() {
        order(ControlScope.target("orders-eu-1"), ControlAction.HALT);
        Command t = TestCommands.upgrade();
        Command batched = new Command(t.commandId(), t.planId(), t.requestId(), t.targetId(), t.stepIndex(), t.stepCount(),
                t.revision(), t.direction(), t.expectedFromHeads(), t.headsAfter(), List.of("SELECT 1",
                        "-- convoy:batch: table=t key=id target_ms=200 min_rows=100 max_rows=100000 start_rows=1000\n"
                                + "UPDATE t SET a = 1 WHERE {{batch}}"), false, t.checksum(), t.lockTimeout(),
                t.statementTimeout(), t.createdAt());
        // the executor asks before every batch with the batched statement's index, interruptible (a checkpoint is committed)
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> gate.beforeStatement(at(batched, 2, true)));
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 1);
        assertThat(reports.get(0)).startsWith(StepUpdate.Status.HALTED + ": halted");
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());

        order(ControlScope.target("orders-eu-1"), ControlAction.RESUME);
        await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(waiting).isCompleted();
        assertThat(reports.get(1)).startsWith(StepUpdate.Status.RESUMED + ": halt lifted");
    }

    @Test
    void insideATransactionalStepTheHaltRollsBackAndTheRedeliveryIsHeldWithoutAnnouncingAgain() {
        order(ControlScope.target("orders-eu-1"), ControlAction.HALT);
        Command c = TestCommands.upgrade();
        assertThatThrownBy(() -> gate.beforeStatement(at(c, 2, true))).isInstanceOf(StepInterrupted.class)
                .hasMessageContaining("rolled back");
        assertThat(reports).hasSize(1).allMatch(r -> r.startsWith("HALTED"));

        // delivered again while still halted: held before it starts, without announcing again
        assertThatThrownBy(() -> gate.beforeStatement(start(c))).isInstanceOf(StepInterrupted.class);
        assertThat(reports).as("HALTED once per halt and command").hasSize(1);
        assertThat(gate.holds(c.targetId())).isTrue();
        order(ControlScope.target("orders-eu-1"), ControlAction.RESUME);
        gate.beforeStatement(start(c));
        assertThat(reports).hasSize(2).last().asString().startsWith("RESUMED");
    }

    @Test
    void betweenTheStatementsOfANonTransactionalStepItWaitsAndCloseDoesNotLetItGoOn() {
        order(ControlScope.ALL, ControlAction.HALT);
        Command c = TestCommands.upgrade();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> gate.beforeStatement(at(c, 2, false)));
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 1);
        gate.close();
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
        order(ControlScope.ALL, ControlAction.RESUME);
        await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(waiting).isCompleted();
    }

    @Test
    void closeInterruptsAStepWaitingWhereItMayStop() {
        order(ControlScope.ALL, ControlAction.HALT);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> gate.beforeStatement(at(TestCommands.upgrade(), 1, true)));
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 1);
        gate.close();
        await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(waiting).isCompletedExceptionally();
        order(ControlScope.ALL, ControlAction.RESUME);
    }
}
