package io.convoy.core.script;

import java.util.Objects;

/**
 * One statement of a SQL script, as {@link SqlSplitter} cut it out.
 *
 * @param sql  the statement text, from its first token to its last (no trailing semicolon, no
 *             leading comments; comments inside the statement are kept verbatim)
 * @param line 1-based line of the statement's first token in the script (or in the file, when
 *             the splitter was given the line the script starts on)
 */
public record SqlStatement(String sql, int line) {
    public SqlStatement {
        Objects.requireNonNull(sql, "sql");
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1: " + line);
        }
    }
}
