package io.convoy.core.script;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A batched data migration: the {@code -- convoy:batch:} directive of a revision and the one statement it
 * governs.
 *
 * <pre>
 * -- convoy:transactional: false
 * -- convoy:upgrade
 * -- convoy:batch: table=pages key=id target_ms=200 max_lag=10s
 * UPDATE pages SET slug = lower(title) WHERE {{batch}};
 * </pre>
 *
 * <ul>
 *   <li>{@code table} (required): the table whose key ranges are walked, optionally schema-qualified;</li>
 *   <li>{@code key} (required): one column of it with a unique, ordered value (the primary key, usually);</li>
 *   <li>{@code target_ms} (default 200): how long one batch's transaction (and so its row locks) should last at
 *       most; the chunk size adapts after every batch toward half of it, leaving room for noise;</li>
 *   <li>{@code min_rows} (default 100), {@code max_rows} (default 100000), {@code start_rows} (default 1000):
 *       bounds and first value of the chunk size (keys per batch);</li>
 *   <li>{@code max_lag} (optional, a duration like {@code 10s}): before each batch the replication lag of the
 *       server's standbys ({@code pg_stat_replication}) must be at most this, or the backfill waits.</li>
 * </ul>
 * The statement (UPDATE, INSERT … SELECT, DELETE, or any of these under WITH) holds the placeholder
 * {@code {{batch}}} exactly once; it becomes {@code (<key> > <last key> AND <key> <= <upper key>)}, where
 * the upper key is the n-th key after the last one ({@code key > :last ORDER BY key LIMIT :n}). Write
 * {@code {{batch:p}}} to qualify the key with an alias ({@code p.<key>}) in a join.
 *
 * <p>Each batch is its own short transaction, committed with its checkpoint, so the revision must be
 * non-transactional ({@code -- convoy:transactional: false}); its other statements run in autocommit as in any
 * non-transactional revision.
 *
 * <p>In {@link Revision#upgrade()}/{@link Revision#downgrade()} (and so in the pipeline's commands) a batched
 * statement is carried as its text preceded by the canonical directive line ({@link #encode}); {@link #decode}
 * recognises it wherever statements are run or rendered.
 */
public record BatchDirective(String table, String key, Duration target, int minRows, int maxRows, int startRows,
        Optional<Duration> maxLag) {

    /** The directive's key after {@code -- convoy:}. */
    public static final String NAME = "batch";
    public static final String PLACEHOLDER = "{{batch}}";
    public static final int DEFAULT_TARGET_MS = 200;
    public static final int DEFAULT_MIN_ROWS = 100;
    public static final int DEFAULT_MAX_ROWS = 100_000;
    public static final int DEFAULT_START_ROWS = 1_000;

    private static final String PREFIX = RevisionParser.MARKER + NAME + ":";
    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern SLOT = Pattern.compile("\\{\\{\\s*batch\\s*(?::\\s*([A-Za-z_][A-Za-z0-9_$]*)\\s*)?}}");
    private static final Pattern FIRST_WORD = Pattern.compile("(?s)\\s*\\(*\\s*([A-Za-z]+).*");

    public BatchDirective {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(maxLag, "maxLag");
        if (!NAME_PATTERN.matcher(table).matches()) {
            throw new IllegalArgumentException("table='" + table + "' is not a table name (name or schema.name)");
        }
        if (!COLUMN.matcher(key).matches()) {
            throw new IllegalArgumentException("key='" + key + "' is not a column name");
        }
        if (target.isNegative() || target.isZero()) {
            throw new IllegalArgumentException("target_ms must be positive");
        }
        if (minRows < 1 || maxRows < minRows || startRows < minRows || startRows > maxRows) {
            throw new IllegalArgumentException("need 1 <= min_rows <= start_rows <= max_rows, got min_rows=" + minRows
                    + " start_rows=" + startRows + " max_rows=" + maxRows);
        }
    }

    /**
     * Parses the arguments after {@code -- convoy:batch:}: blank-separated {@code name=value} pairs.
     * IllegalArgumentException saying what is wrong.
     */
    public static BatchDirective parse(String arguments) {
        Map<String, String> args = new LinkedHashMap<>();
        String text = arguments == null ? "" : arguments.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("no arguments: expected at least table=<table> key=<column>");
        }
        for (String pair : text.split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("'" + pair + "' is not name=value");
            }
            String name = pair.substring(0, eq).toLowerCase(Locale.ROOT);
            if (args.put(name, pair.substring(eq + 1)) != null) {
                throw new IllegalArgumentException(name + " is given twice");
            }
        }
        for (String name : args.keySet()) {
            if (!java.util.List.of("table", "key", "target_ms", "min_rows", "max_rows", "start_rows", "max_lag").contains(name)) {
                throw new IllegalArgumentException("unknown argument '" + name + "'; known: table, key, target_ms, min_rows,"
                        + " max_rows, start_rows, max_lag");
            }
        }
        String table = Optional.ofNullable(args.get("table"))
                .orElseThrow(() -> new IllegalArgumentException("table=<table> is required"));
        String key = Optional.ofNullable(args.get("key"))
                .orElseThrow(() -> new IllegalArgumentException("key=<column> is required"));
        int targetMs = number(args, "target_ms", DEFAULT_TARGET_MS);
        int min = number(args, "min_rows", DEFAULT_MIN_ROWS);
        int max = number(args, "max_rows", Math.max(DEFAULT_MAX_ROWS, min));
        int start = number(args, "start_rows", Math.min(Math.max(DEFAULT_START_ROWS, min), max));
        Optional<Duration> lag = Optional.ofNullable(args.get("max_lag")).map(PgDurations::parse);
        return new BatchDirective(table, key, Duration.ofMillis(targetMs), min, max, start, lag);
    }

    private static int number(Map<String, String> args, String name, int fallback) {
        String v = args.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException(name + "=" + v + " must be a positive whole number");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + v + " is not a whole number");
        }
    }

    /** The canonical directive line, every argument spelled out. */
    public String line() {
        return PREFIX + " table=" + table + " key=" + key + " target_ms=" + target.toMillis() + " min_rows=" + minRows
                + " max_rows=" + maxRows + " start_rows=" + startRows
                + maxLag.map(l -> " max_lag=" + l.toMillis() + "ms").orElse("");
    }

    /**
     * Checks that {@code sql} can be batched: it is an UPDATE, INSERT, DELETE or WITH statement and holds the
     * placeholder exactly once. IllegalArgumentException saying what is wrong.
     */
    public static void checkTemplate(String sql) {
        Matcher first = FIRST_WORD.matcher(sql);
        String word = first.matches() ? first.group(1).toUpperCase(Locale.ROOT) : "";
        if (!java.util.Set.of("UPDATE", "INSERT", "DELETE", "WITH").contains(word)) {
            throw new IllegalArgumentException("the statement after " + PREFIX + " must be an UPDATE, INSERT … SELECT or DELETE"
                    + " (found " + (word.isEmpty() ? "no keyword" : word) + ")");
        }
        Matcher slot = SLOT.matcher(sql);
        int count = 0;
        while (slot.find()) {
            count++;
        }
        if (count != 1) {
            throw new IllegalArgumentException("the statement after " + PREFIX + " must hold the placeholder " + PLACEHOLDER
                    + " (or {{batch:<alias>}}) exactly once, where the batch's key range goes (found it " + count + " times)");
        }
    }

    /** A batched statement as carried in a revision's statement list: the directive line, a newline, the template. */
    public String encode(String template) {
        return line() + "\n" + template;
    }

    /** A batched statement: its directive and its template. */
    public record Batched(BatchDirective directive, String template) {
        /**
         * The template with the placeholder replaced by the key range: {@code lowerLiteral} exclusive (none for
         * the first batch), {@code upperLiteral} inclusive; both are SQL expressions of the key's type.
         */
        public String expand(Optional<String> lowerLiteral, String upperLiteral) {
            return expandWith(column -> "(" + lowerLiteral.map(l -> column + " > " + l + " AND ").orElse("") + column + " <= "
                    + upperLiteral + ")");
        }

        /** The template with the placeholder replaced by {@code range.apply(column)}, the column alias-qualified if asked. */
        public String expandWith(java.util.function.UnaryOperator<String> range) {
            Matcher m = SLOT.matcher(template);
            if (!m.find()) {
                throw new IllegalStateException("no " + PLACEHOLDER + " in " + template);
            }
            String column = (m.group(1) == null ? "" : m.group(1) + ".") + directive.key();
            return template.substring(0, m.start()) + range.apply(column) + template.substring(m.end());
        }
    }

    /**
     * The batched statement in {@code statement}, if it is one (starts with the directive line). A statement that
     * starts with the directive but does not parse: IllegalArgumentException.
     */
    public static Optional<Batched> decode(String statement) {
        if (statement == null || !statement.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int nl = statement.indexOf('\n');
        if (nl < 0) {
            throw new IllegalArgumentException("a " + PREFIX + " directive with no statement after it");
        }
        BatchDirective d = parse(statement.substring(PREFIX.length(), nl));
        String template = statement.substring(nl + 1);
        checkTemplate(template);
        return Optional.of(new Batched(d, template));
    }

    /** Whether any of the statements is batched. */
    public static boolean anyBatched(java.util.List<String> statements) {
        return statements.stream().anyMatch(s -> s != null && s.startsWith(PREFIX));
    }
}
