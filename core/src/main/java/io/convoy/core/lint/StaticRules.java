package io.convoy.core.lint;

import io.convoy.core.script.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules read from the statement text, for what the shadow cannot show: CV008 (CONCURRENTLY in a
 * transactional revision: it would only fail), CV009 (no downgrade, for a revision that does something), CV012 (a whole-table UPDATE/DELETE: the
 * shadow's few rows make it look cheap).
 */
public final class StaticRules {
    private static final Pattern CONCURRENTLY = Pattern.compile("\\bCONCURRENTLY\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHOLE_TABLE = Pattern.compile(
            "^\\s*(UPDATE|DELETE\\s+FROM)\\s+(?:ONLY\\s+)?([A-Za-z_\"][\\w.\"$]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHERE = Pattern.compile("\\bWHERE\\b", Pattern.CASE_INSENSITIVE);

    private StaticRules() {}

    /** Whether a statement contains CONCURRENTLY (comments and string literals ignored). */
    public static boolean concurrently(String sql) {
        return CONCURRENTLY.matcher(code(sql)).find();
    }

    /**
     * Static findings of {@code revision}. {@code existingTables} holds the lower-case names (bare and
     * schema-qualified) of the tables that exist before it, for CV012.
     */
    public static List<Finding> check(Revision revision, Set<String> existingTables) {
        List<Finding> out = new ArrayList<>();
        List<String> up = revision.upgrade();
        for (int i = 0; i < up.size(); i++) {
            String sql = up.get(i);
            String code = code(sql);
            if (revision.transactional() && CONCURRENTLY.matcher(code).find()) {
                out.add(Finding.of(Rule.CV008, revision.id(), i + 1, sql, null, null,
                        "the revision is transactional, and PostgreSQL refuses CONCURRENTLY inside a transaction"));
            }
            Matcher m = WHOLE_TABLE.matcher(code);
            if (m.find() && !WHERE.matcher(code).find()) {
                String table = m.group(2).replace("\"", "").toLowerCase(Locale.ROOT);
                if (existingTables.contains(table)) {
                    out.add(Finding.of(Rule.CV012, revision.id(), i + 1, sql, table, null,
                            m.group(1).split("\\s+")[0].toUpperCase(Locale.ROOT)
                                    + " without WHERE touches every row of an existing table in one transaction"));
                }
            }
        }
        if (!up.isEmpty() && (!revision.hasDowngrade() || revision.downgrade().isEmpty())) {
            out.add(Finding.of(Rule.CV009, revision.id(), 0, "", null, null,
                    revision.hasDowngrade() ? "the -- convoy:downgrade section is empty" : "no -- convoy:downgrade section"));
        }
        return out;
    }

    /** The text with comments and string literals blanked, so keywords inside them do not count. */
    static String code(String sql) {
        StringBuilder b = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                b.append(' ');
            } else if (c == '\'') {
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == '\'') {
                        if (j + 1 < n && sql.charAt(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                b.append("''");
                i = j + 1;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
