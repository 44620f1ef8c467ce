package io.convoy.schemas.control;

import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlOrigin;
import io.convoy.schemas.avro.ControlRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The halts in force, as a view over the records of {@code convoy.control}: the latest record of each scope wins
 * (as compaction keeps it), HALT and PANIC put the scope's halt in force, RESUME and a tombstone lift it. Feed it
 * every record of the topic in order ({@link #apply}), e.g. through a {@link ControlFeed}. Thread-safe: one thread
 * applies records, any thread asks.
 */
public final class HaltState {

    /**
     * A halt in force on one scope.
     *
     * @param scope    the scope key ({@code all}, {@code cluster:<id>}, {@code target:<id>})
     * @param action   HALT or PANIC
     * @param alertId  the alert behind a monitor halt, if any
     */
    public record Halt(String scope, ControlAction action, ControlOrigin origin, String actor, String reason,
                       Optional<String> alertId, Instant issuedAt) {
        public Halt {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(alertId, "alertId");
        }

        /** True for a PANIC: running statements are to be cancelled too. */
        public boolean panic() {
            return action == ControlAction.PANIC;
        }

        /** True when an operator gave it: only an operator lifts it. */
        public boolean byOperator() {
            return origin == ControlOrigin.OPERATOR;
        }

        static Halt of(String scope, ControlRecord r) {
            return new Halt(scope, r.getAction(), r.getOrigin(), r.getActor(), r.getReason(),
                    Optional.ofNullable(r.getAlertId()), r.getIssuedAt());
        }
    }

    private final Map<String, Halt> halts = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /**
     * Applies one record of the topic.
     *
     * @param key    the record key (the scope); when null, the record's own scope
     * @param record the value; null for a tombstone (lifts the scope's halt)
     * @return true when the halts in force changed
     */
    public boolean apply(String key, ControlRecord record) {
        String scope = key != null ? key : record == null ? null : record.getScope();
        if (scope == null) {
            return false;
        }
        boolean changed;
        if (record == null || record.getAction() == ControlAction.RESUME) {
            changed = halts.remove(scope) != null;
        } else {
            Halt halt = Halt.of(scope, record);
            changed = !halt.equals(halts.put(scope, halt));
        }
        if (changed) {
            version.incrementAndGet();
        }
        return changed;
    }

    /** The halt in force on exactly this scope key, if any. */
    public Optional<Halt> inForce(String scope) {
        return Optional.ofNullable(halts.get(scope));
    }

    /** True when an operator's HALT or PANIC is in force on exactly this scope key. */
    public boolean operatorHaltInForce(String scope) {
        return inForce(scope).map(Halt::byOperator).orElse(false);
    }

    /** The halts covering a target ({@code all}, {@code cluster:<clusterId>}, {@code target:<targetId>}); clusterId may be null. */
    public List<Halt> haltsCovering(String targetId, String clusterId) {
        return ControlScope.covering(targetId, clusterId).stream().map(halts::get).filter(Objects::nonNull).toList();
    }

    /** True when any halt covers the target; clusterId may be null (then only {@code all} and the target's own scope count). */
    public boolean isHalted(String targetId, String clusterId) {
        for (String scope : ControlScope.covering(targetId, clusterId)) {
            if (halts.containsKey(scope)) {
                return true;
            }
        }
        return false;
    }

    /** True when a PANIC covers the target. */
    public boolean isPanicked(String targetId, String clusterId) {
        return haltsCovering(targetId, clusterId).stream().anyMatch(Halt::panic);
    }

    /** Every halt in force, by scope key (sorted). */
    public Map<String, Halt> halts() {
        return new TreeMap<>(halts);
    }

    public int size() {
        return halts.size();
    }

    /** Grows by one on every change of the halts in force: a cheap way to notice a change. */
    public long version() {
        return version.get();
    }

    @Override
    public String toString() {
        return "HaltState" + halts().keySet();
    }
}
