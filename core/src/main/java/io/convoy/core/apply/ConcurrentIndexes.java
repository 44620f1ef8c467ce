package io.convoy.core.apply;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises {@code CREATE INDEX CONCURRENTLY} and {@code REINDEX ... CONCURRENTLY} statements,
 * which leave an INVALID index behind when they fail, and builds the catalog probe that finds
 * such a left-over index before the statement is run again.
 */
public final class ConcurrentIndexes {
    private static final String IDENT = "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    private static final String QUALIFIED = IDENT + "(?:\\s*\\.\\s*" + IDENT + ")?";
    private static final Pattern CREATE = Pattern.compile(
            "^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:(" + IDENT + ")\\s+)?ON\\s+(?:ONLY\\s+)?("
                    + QUALIFIED + ")",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern REINDEX = Pattern.compile(
            "^REINDEX\\s+(?:\\([^)]*\\)\\s*)?(INDEX|TABLE)\\s+CONCURRENTLY\\s+(" + QUALIFIED + ")",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern REINDEX_OTHER = Pattern.compile(
            "^REINDEX\\s+(?:\\([^)]*\\)\\s*)?(?:SCHEMA|DATABASE|SYSTEM)\\s+CONCURRENTLY\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_ANY = Pattern.compile(
            "^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\b", Pattern.CASE_INSENSITIVE);

    private ConcurrentIndexes() {}

    /**
     * A statement that may leave an invalid index.
     *
     * @param statement  what it is, e.g. {@code CREATE INDEX CONCURRENTLY accounts_email_key}
     * @param indexName  the index it creates, when it names one ({@code CREATE INDEX CONCURRENTLY name ...})
     * @param probe      the condition on {@code pg_index i JOIN pg_class c ON c.oid = i.indexrelid} that
     *                   selects the left-overs it could have left, when they can be found
     */
    public record Target(String statement, Optional<String> indexName, Optional<String> probe) {
        /** A query returning the names of the left-over INVALID indexes, when there is a probe. */
        public Optional<String> probeQuery() {
            return probe.map(p -> "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    + " WHERE NOT i.indisvalid AND " + p + " ORDER BY 1");
        }
    }

    public static Optional<Target> of(String sql) {
        String s = stripLeadingComments(sql);
        Matcher m = CREATE.matcher(s);
        if (m.find()) {
            String index = m.group(1);
            String table = m.group(2).replaceAll("\\s+", "");
            if (index == null) {
                return Optional.of(new Target("CREATE INDEX CONCURRENTLY (unnamed) ON " + table, Optional.empty(), Optional.empty()));
            }
            String probe = "c.relname = " + SqlLiterals.literal(relname(index)) + " AND i.indrelid = to_regclass("
                    + SqlLiterals.literal(table) + ")";
            return Optional.of(new Target("CREATE INDEX CONCURRENTLY " + index, Optional.of(index), Optional.of(probe)));
        }
        m = REINDEX.matcher(s);
        if (m.find()) {
            String kind = m.group(1).toUpperCase(Locale.ROOT);
            String name = m.group(2).replaceAll("\\s+", "");
            // REINDEX CONCURRENTLY builds <index>_ccnew (then _ccnew1, ...) next to each index; a failure leaves them INVALID.
            String table = kind.equals("TABLE") ? "to_regclass(" + SqlLiterals.literal(name) + ")"
                    : "(SELECT x.indrelid FROM pg_index x WHERE x.indexrelid = to_regclass(" + SqlLiterals.literal(name) + "))";
            String probe = "i.indrelid = " + table + " AND c.relname ~ '_ccnew[0-9]*$'";
            return Optional.of(new Target("REINDEX " + kind + " CONCURRENTLY " + name, Optional.empty(), Optional.of(probe)));
        }
        if (REINDEX_OTHER.matcher(s).find()) {
            return Optional.of(new Target("REINDEX CONCURRENTLY", Optional.empty(), Optional.empty()));
        }
        if (CREATE_ANY.matcher(s).find()) {
            return Optional.of(new Target("CREATE INDEX CONCURRENTLY", Optional.empty(), Optional.empty()));
        }
        return Optional.empty();
    }

    /** An identifier as stored in pg_class.relname: unquoted names fold to lower case. */
    static String relname(String ident) {
        if (ident.startsWith("\"")) {
            return ident.substring(1, ident.length() - 1).replace("\"\"", "\"");
        }
        return ident.toLowerCase(Locale.ROOT);
    }

    static String stripLeadingComments(String sql) {
        String s = sql.strip();
        while (true) {
            if (s.startsWith("--")) {
                int nl = s.indexOf('\n');
                s = nl < 0 ? "" : s.substring(nl + 1).strip();
            } else if (s.startsWith("/*")) {
                int end = s.indexOf("*/");
                s = end < 0 ? "" : s.substring(end + 2).strip();
            } else {
                return s;
            }
        }
    }
}
