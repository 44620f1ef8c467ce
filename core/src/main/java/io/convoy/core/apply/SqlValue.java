package io.convoy.core.apply;

/**
 * A value bound into one of Convoy's own bookkeeping statements. Online it is bound as a JDBC
 * parameter; offline it is printed as a literal, and the time values become SQL expressions.
 */
public sealed interface SqlValue {

    record Text(String value) implements SqlValue {
        public Text {
            java.util.Objects.requireNonNull(value, "value");
        }
    }

    record Int(long value) implements SqlValue {}

    /** SQL NULL (typed text or bigint according to the column; PostgreSQL infers it). */
    record Null() implements SqlValue {}

    /**
     * Times that are only known when the statement runs. Online: from the injected Clock (the
     * attempt's start, the moment the statement is bound, the difference in ms). Offline:
     * {@code now()} (the transaction's start), {@code clock_timestamp()}, and their difference.
     */
    enum Time implements SqlValue {
        STARTED_AT, NOW, ELAPSED_MS
    }

    static SqlValue text(String value) {
        return value == null ? new Null() : new Text(value);
    }

    static SqlValue of(java.util.Optional<String> value) {
        return value.<SqlValue>map(Text::new).orElseGet(Null::new);
    }

    /** The offline (literal) form. */
    default String literal() {
        if (this instanceof Text t) {
            return SqlLiterals.literal(t.value());
        } else if (this instanceof Int i) {
            return Long.toString(i.value());
        } else if (this instanceof Null) {
            return "NULL";
        }
        return switch ((Time) this) {
            case STARTED_AT -> "now()";
            case NOW -> "clock_timestamp()";
            case ELAPSED_MS -> "(extract(epoch from clock_timestamp() - now()) * 1000)::bigint";
        };
    }
}
