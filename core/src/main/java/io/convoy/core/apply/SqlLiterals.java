package io.convoy.core.apply;

import java.time.Duration;

/** Quoting and formatting of SQL literals for the statements Convoy itself writes. */
public final class SqlLiterals {
    private SqlLiterals() {}

    /** A string literal ({@code standard_conforming_strings = on}, the default since PostgreSQL 9.1). */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** A quoted identifier. */
    public static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A duration as a PostgreSQL time setting value: {@code '2000ms'}, or {@code '0'} (off) for zero. */
    public static String timeSetting(Duration d) {
        long ms = d.toMillis();
        return ms <= 0 ? "'0'" : "'" + ms + "ms'";
    }

    /** {@code ARRAY['a','b']::text[]} (or an empty text array). */
    public static String textArray(Iterable<String> values) {
        StringBuilder sb = new StringBuilder("ARRAY[");
        boolean first = true;
        for (String v : values) {
            if (!first) {
                sb.append(", ");
            }
            sb.append(literal(v));
            first = false;
        }
        return sb.append("]::text[]").toString();
    }

    /** A message for {@code RAISE EXCEPTION '<format>'}: a literal whose {@code %} are escaped. */
    public static String raiseFormat(String message) {
        return literal(message.replace("%", "%%"));
    }

    /** First line of a statement, trimmed and shortened, for error messages. */
    public static String firstLine(String sql) {
        String trimmed = sql.strip();
        int nl = trimmed.indexOf('\n');
        String line = (nl < 0 ? trimmed : trimmed.substring(0, nl)).strip();
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }
}
