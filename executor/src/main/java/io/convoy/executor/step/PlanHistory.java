package io.convoy.executor.step;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The convoy.history rows of one plan on one target, oldest first, and what they say about a command of the
 * plan. Steps stopped by the executor ({@link StepInterrupted}) count as not attempted.
 */
public record PlanHistory(String planId, List<HistoryRow> rows) {
    public PlanHistory {
        rows = rows.stream().sorted(Comparator.comparingLong(HistoryRow::id)).toList();
    }

    /** The row that recorded this command as applied, if any. */
    public Optional<HistoryRow> applied(String commandId) {
        return rows.stream().filter(r -> r.applied() && r.commandId().filter(commandId::equals).isPresent()).findFirst();
    }

    /** The latest real failure of this command, if it has no applied row. */
    public Optional<HistoryRow> failed(String commandId) {
        if (applied(commandId).isPresent()) {
            return Optional.empty();
        }
        return rows.stream().filter(r -> r.failure() && r.commandId().filter(commandId::equals).isPresent())
                .reduce((a, b) -> b);
    }

    /** The first real failure of another command of the plan that was never applied afterwards. */
    public Optional<HistoryRow> failureOfAnotherStep(String commandId) {
        return rows.stream()
                .filter(r -> r.failure() && r.commandId().isPresent() && !r.commandId().get().equals(commandId)
                        && applied(r.commandId().get()).isEmpty())
                .findFirst();
    }

    /** How many distinct commands of the plan, other than {@code commandId}, are applied. */
    public long appliedSteps(String commandId) {
        return rows.stream().filter(HistoryRow::applied).map(HistoryRow::commandId).flatMap(Optional::stream)
                .filter(id -> !id.equals(commandId)).distinct().count();
    }
}
