package io.convoy.audit;

/** Outcome of verifying a chain. */
public sealed interface VerifyResult {
    /** Every record present, in order, unaltered. */
    record Intact(long records, long lastSeq, String lastHash) implements VerifyResult {}

    /** The first problem found, by seq, with where it was seen (file:line or data stream position). */
    record Broken(long seq, Problem problem, String where, String detail) implements VerifyResult {}

    enum Problem {
        /** The record with this seq is absent (a gap). */
        MISSING,
        /** The record with this seq is present but its content or hash does not match. */
        ALTERED,
        /** The record with this seq appears out of place (earlier seq after a later one, or twice). */
        REORDERED,
        /** A line is not an audit record at all (not JSON, no seq). */
        MALFORMED
    }

    default boolean intact() {
        return this instanceof Intact;
    }

    /** One line for the CLI. */
    default String describe() {
        if (this instanceof Intact i) {
            return "chain intact: " + i.records() + " records, last seq " + i.lastSeq();
        }
        Broken b = (Broken) this;
        return "chain broken at seq " + b.seq() + ": " + b.problem().name().toLowerCase(java.util.Locale.ROOT)
                + " (" + b.where() + ")" + (b.detail().isEmpty() ? "" : ": " + b.detail());
    }
}
