package io.convoy.schemas.control;

import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import java.time.Instant;
import java.util.Objects;

/**
 * Orders as operators give them ({@code convoy halt|resume|panic --target/--cluster/--all --reason}): the record to
 * send on {@code convoy.control} with {@link ControlRecord#getScope()} as its key.
 */
public final class ControlOrders {
    private ControlOrders() {}

    /**
     * An operator's order.
     *
     * @param actor  who gives it (e.g. the OS user, or an --actor option); recorded for the audit trail
     * @param reason why; required for HALT and PANIC, so that whoever finds the fleet halted knows why
     */
    public static ControlRecord operator(ControlScope scope, ControlAction action, String actor, String reason, Instant at) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(action, "action");
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("an operator order needs an actor (who gives it)");
        }
        String why = reason == null ? "" : reason.strip();
        if (action != ControlAction.RESUME && why.isEmpty()) {
            throw new IllegalArgumentException("a " + action + " of " + scope.key() + " needs a reason");
        }
        return ControlRecord.newBuilder()
                .setScope(scope.key())
                .setAction(action)
                .setOrigin(ControlOrigin.OPERATOR)
                .setActor(actor.strip())
                .setReason(why)
                .setAlertId(null)
                .setIssuedAt(Objects.requireNonNull(at, "at"))
                .build();
    }
}
