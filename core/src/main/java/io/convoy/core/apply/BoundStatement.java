package io.convoy.core.apply;

import java.util.List;
import java.util.Objects;

/**
 * One of Convoy's bookkeeping statements with {@code ?} placeholders and their values. The online
 * runner prepares and binds it; {@link #toLiteralSql()} is the same statement for offline SQL.
 * The SQL text is Convoy's own, so {@code ?} appears nowhere but as a placeholder.
 */
public record BoundStatement(String sql, List<SqlValue> values) {
    public BoundStatement {
        Objects.requireNonNull(sql, "sql");
        values = List.copyOf(values);
        long placeholders = sql.chars().filter(c -> c == '?').count();
        if (placeholders != values.size()) {
            throw new IllegalArgumentException(placeholders + " placeholders but " + values.size() + " values: " + sql);
        }
    }

    public static BoundStatement of(String sql, SqlValue... values) {
        return new BoundStatement(sql, List.of(values));
    }

    /** The statement with every placeholder replaced by its literal. */
    public String toLiteralSql() {
        StringBuilder sb = new StringBuilder(sql.length() + 32 * values.size());
        int v = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '?') {
                sb.append(values.get(v++).literal());
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
