package io.convoy.core.catalog;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a {@link Catalog} from {@code pg_catalog}. It only reads: inside a REPEATABLE READ READ ONLY
 * transaction of its own (rolled back) when the connection is in autocommit mode, else inside the
 * caller's transaction. While reading, {@code search_path} is {@code pg_catalog} only, so that every
 * name PostgreSQL prints (types, tables in view and index definitions, functions) comes out
 * schema-qualified the same way whatever the database's own search_path is.
 */
public final class CatalogReader {
    private static final String NOT_EXTENSION_MEMBER =
            " AND NOT EXISTS (SELECT 1 FROM pg_depend ed WHERE ed.classid = '%s'::regclass AND ed.objid = %s AND ed.deptype = 'e')";

    private final Connection conn;
    private final Array excluded;

    private CatalogReader(Connection conn, Array excluded) {
        this.conn = conn;
        this.excluded = excluded;
    }

    /** Reads the catalog of the database {@code conn} is connected to. */
    public static Catalog read(Connection conn, CatalogOptions options) {
        try {
            boolean autoCommit = conn.getAutoCommit();
            boolean readOnly = conn.isReadOnly();
            int isolation = conn.getTransactionIsolation();
            String oldPath = null;
            try {
                if (autoCommit) {
                    conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    conn.setReadOnly(true);
                    conn.setAutoCommit(false);
                } else {
                    oldPath = single(conn, "SELECT current_setting('search_path')");
                }
                try (Statement s = conn.createStatement()) {
                    s.execute("SELECT set_config('search_path', 'pg_catalog', true)");
                }
                Array excluded = conn.createArrayOf("text", options.excludedSchemas().toArray());
                return new CatalogReader(conn, excluded).readAll();
            } finally {
                if (autoCommit) {
                    conn.rollback();
                    conn.setAutoCommit(true);
                    conn.setReadOnly(readOnly);
                    conn.setTransactionIsolation(isolation);
                } else if (oldPath != null) {
                    try (PreparedStatement ps = conn.prepareStatement("SELECT set_config('search_path', ?, true)")) {
                        ps.setString(1, oldPath);
                        ps.execute();
                    }
                }
            }
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "could not read the schema catalog: " + e.getMessage(), e);
        }
    }

    private static String single(Connection conn, String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String ns(String alias) {
        return " " + alias + ".nspname NOT LIKE 'pg\\_%' AND " + alias + ".nspname <> 'information_schema' AND "
                + alias + ".nspname <> ALL(?) ";
    }

    private static String notMember(String catalogTable, String oidExpr) {
        return String.format(NOT_EXTENSION_MEMBER, catalogTable, oidExpr);
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    private static String oids(Collection<Long> oids) {
        return oids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }

    private static Optional<String> opt(ResultSet rs, int col) throws SQLException {
        return Optional.ofNullable(rs.getString(col));
    }

    private static List<String> strings(ResultSet rs, int col) throws SQLException {
        Array a = rs.getArray(col);
        if (a == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) a.getArray()).map(o -> (String) o).toList();
    }

    private record Rel(long oid, QName name) {}

    private Catalog readAll() throws SQLException {
        List<Schema> schemas = query("SELECT n.nspname, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n WHERE"
                + ns("n") + notMember("pg_namespace", "n.oid"),
                rs -> new Schema(rs.getString(1), opt(rs, 2)), excluded);

        List<Extension> extensions = query("SELECT e.extname, n.nspname, e.extversion FROM pg_extension e"
                + " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE" + ns("n"),
                rs -> new Extension(rs.getString(1), rs.getString(2), rs.getString(3)), excluded);

        List<EnumType> enums = query("SELECT n.nspname, t.typname,"
                + " ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),"
                + " obj_description(t.oid, 'pg_type')"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND"
                + ns("n") + notMember("pg_type", "t.oid"),
                rs -> new EnumType(new QName(rs.getString(1), rs.getString(2)), strings(rs, 3), opt(rs, 4)), excluded);

        List<Domain> domains = readDomains();
        List<String> unsupported = readUnsupported();

        List<Sequence> sequences = query("SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart,"
                + " s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, own.nspname, own.relname, own.attname,"
                + " obj_description(c.oid, 'pg_class')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid"
                + " LEFT JOIN LATERAL (SELECT tn.nspname, tc.relname, a.attname FROM pg_depend d"
                + "   JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
                + "   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + "   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass"
                + "   AND d.deptype = 'a' AND d.refobjsubid > 0 LIMIT 1) own ON true"
                + " WHERE c.relkind = 'S' AND" + ns("n") + notMember("pg_class", "c.oid")
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
                + "   AND d.deptype = 'i')",
                rs -> new Sequence(new QName(rs.getString(1), rs.getString(2)), rs.getString(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getBoolean(9),
                        rs.getString(10) == null ? Optional.empty()
                                : Optional.of(new ColumnRef(new QName(rs.getString(10), rs.getString(11)), rs.getString(12))),
                        opt(rs, 13)),
                excluded);

        List<Rel> tableRels = new ArrayList<>();
        Map<Long, Optional<String>> tableComments = new HashMap<>();
        for (Object[] row : query("SELECT c.oid, n.nspname, c.relname, obj_description(c.oid, 'pg_class')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'r' AND NOT c.relispartition AND" + ns("n") + notMember("pg_class", "c.oid"),
                rs -> new Object[] {rs.getLong(1), new QName(rs.getString(2), rs.getString(3)), opt(rs, 4)}, excluded)) {
            tableRels.add(new Rel((Long) row[0], (QName) row[1]));
            @SuppressWarnings("unchecked")
            Optional<String> comment = (Optional<String>) row[2];
            tableComments.put((Long) row[0], comment);
        }
        List<Long> tableOids = tableRels.stream().map(Rel::oid).toList();

        List<ViewRow> viewRows = query("SELECT c.oid, n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid),"
                + " coalesce(c.reloptions, '{}')::text[], obj_description(c.oid, 'pg_class')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('v', 'm') AND" + ns("n") + notMember("pg_class", "c.oid"),
                rs -> new ViewRow(rs.getLong(1), new QName(rs.getString(2), rs.getString(3)), rs.getBoolean(4),
                        stripSemicolon(rs.getString(5)), strings(rs, 6), opt(rs, 7)),
                excluded);
        List<Long> viewOids = viewRows.stream().map(ViewRow::oid).toList();
        List<Long> relOids = new ArrayList<>(tableOids);
        relOids.addAll(viewOids);

        Map<Long, List<Column>> columns = readColumns(tableOids);
        Map<Long, List<Constraint>> constraints = readConstraints(tableOids);
        Map<Long, List<Index>> indexes = readIndexes(relOids);

        List<Table> tables = new ArrayList<>();
        for (Rel r : tableRels) {
            tables.add(new Table(r.name(), columns.getOrDefault(r.oid(), List.of()),
                    constraints.getOrDefault(r.oid(), List.of()), indexes.getOrDefault(r.oid(), List.of()),
                    tableComments.get(r.oid())));
        }

        Map<Long, List<QName>> viewDeps = new HashMap<>();
        for (Object[] row : query("SELECT DISTINCT r.ev_class, dn.nspname, dc.relname FROM pg_rewrite r"
                + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                + "   AND d.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace"
                + " WHERE r.ev_class = ANY((?::text)::oid[]) AND d.refobjid <> r.ev_class",
                rs -> new Object[] {rs.getLong(1), new QName(rs.getString(2), rs.getString(3))}, oids(viewOids))) {
            viewDeps.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((QName) row[1]);
        }
        Map<Long, Map<String, String>> viewColumnComments = new HashMap<>();
        for (Object[] row : query("SELECT a.attrelid, a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a"
                + " WHERE a.attrelid = ANY((?::text)::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND col_description(a.attrelid, a.attnum) IS NOT NULL",
                rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)}, oids(viewOids))) {
            viewColumnComments.computeIfAbsent((Long) row[0], k -> new HashMap<>()).put((String) row[1], (String) row[2]);
        }
        List<View> views = new ArrayList<>();
        for (ViewRow v : viewRows) {
            views.add(new View(v.name(), v.materialized(), v.definition(), v.options(),
                    viewDeps.getOrDefault(v.oid(), List.of()), indexes.getOrDefault(v.oid(), List.of()),
                    viewColumnComments.getOrDefault(v.oid(), Map.of()), v.comment()));
        }

        List<Routine> routines = query("SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),"
                + " p.prokind = 'p', pg_get_function_arguments(p.oid), coalesce(pg_get_function_result(p.oid), ''),"
                + " pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc')"
                + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE p.prokind IN ('f', 'p', 'w') AND" + ns("n") + notMember("pg_proc", "p.oid"),
                rs -> new Routine(new QName(rs.getString(1), rs.getString(2)), rs.getString(3), rs.getBoolean(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), opt(rs, 8)),
                excluded);

        Map<Long, QName> relNames = new HashMap<>();
        tableRels.forEach(r -> relNames.put(r.oid(), r.name()));
        viewRows.forEach(v -> relNames.put(v.oid(), v.name()));
        List<Trigger> triggers = query("SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid), t.tgfoid::regprocedure::text,"
                + " t.tgenabled::text, obj_description(t.oid, 'pg_trigger') FROM pg_trigger t"
                + " WHERE t.tgrelid = ANY((?::text)::oid[]) AND NOT t.tgisinternal",
                rs -> new Trigger(relNames.get(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), opt(rs, 6)),
                oids(relOids));

        return new Catalog(schemas, extensions, enums, domains, sequences, tables, views, routines, triggers, unsupported);
    }

    private List<Domain> readDomains() throws SQLException {
        List<Object[]> rows = query("SELECT t.oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,"
                + " pg_get_expr(t.typdefaultbin, 0),"
                + " CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN"
                + "   CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)"
                + "   ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END END,"
                + " obj_description(t.oid, 'pg_type')"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type bt ON bt.oid = t.typbasetype"
                + " LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE t.typtype = 'd' AND" + ns("n") + notMember("pg_type", "t.oid"),
                rs -> new Object[] {rs.getLong(1), new QName(rs.getString(2), rs.getString(3)), rs.getString(4), rs.getBoolean(5),
                        opt(rs, 6), opt(rs, 7), opt(rs, 8)},
                excluded);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<Constraint>> checks = new HashMap<>();
        for (Object[] row : query("SELECT c.contypid, c.conname, pg_get_constraintdef(c.oid), c.convalidated,"
                + " obj_description(c.oid, 'pg_constraint') FROM pg_constraint c"
                + " WHERE c.contypid = ANY((?::text)::oid[]) AND c.contype = 'c'",
                rs -> {
                    String def = rs.getString(3);
                    if (def.endsWith(" NOT VALID")) {
                        def = def.substring(0, def.length() - " NOT VALID".length());
                    }
                    return new Object[] {rs.getLong(1), new Constraint(rs.getString(2), Constraint.Kind.CHECK, def,
                            rs.getBoolean(4), List.of(), Optional.empty(), opt(rs, 5))};
                },
                oids(rows.stream().map(r -> (Long) r[0]).toList()))) {
            checks.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((Constraint) row[1]);
        }
        List<Domain> out = new ArrayList<>();
        for (Object[] r : rows) {
            @SuppressWarnings("unchecked")
            Domain d = new Domain((QName) r[1], (String) r[2], (Boolean) r[3], (Optional<String>) r[4], (Optional<String>) r[5],
                    checks.getOrDefault((Long) r[0], List.of()), (Optional<String>) r[6]);
            out.add(d);
        }
        return out;
    }

    /** What Convoy does not model, one description each: a difference in these is reported, not diffed. */
    private List<String> readUnsupported() throws SQLException {
        String qualified = "quote_ident(n.nspname) || '.' || quote_ident(%s)";
        String sql = String.join(" UNION ALL ",
                "SELECT 'composite type ' || " + String.format(qualified, "t.typname") + " FROM pg_type t"
                        + " JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid"
                        + " WHERE t.typtype = 'c' AND c.relkind = 'c' AND" + ns("n") + notMember("pg_type", "t.oid"),
                "SELECT 'range type ' || " + String.format(qualified, "t.typname") + " FROM pg_type t"
                        + " JOIN pg_namespace n ON n.oid = t.typnamespace"
                        + " WHERE t.typtype = 'r' AND" + ns("n") + notMember("pg_type", "t.oid"),
                "SELECT CASE c.relkind WHEN 'p' THEN 'partitioned table ' WHEN 'f' THEN 'foreign table '"
                        + " ELSE 'partition ' END || " + String.format(qualified, "c.relname") + " FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE (c.relkind IN ('p', 'f') OR c.relkind = 'r' AND c.relispartition) AND" + ns("n")
                        + notMember("pg_class", "c.oid"),
                "SELECT 'inheritance ' || " + String.format(qualified, "c.relname") + " || ' INHERITS ' || p.inhparent::regclass::text"
                        + " FROM pg_inherits p JOIN pg_class c ON c.oid = p.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE NOT c.relispartition AND c.relkind = 'r' AND" + ns("n"),
                "SELECT 'aggregate ' || " + String.format(qualified, "p.proname") + " || '(' || pg_get_function_identity_arguments(p.oid) || ')'"
                        + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                        + " WHERE p.prokind = 'a' AND" + ns("n") + notMember("pg_proc", "p.oid"),
                "SELECT 'rule ' || quote_ident(r.rulename) || ' on ' || " + String.format(qualified, "c.relname")
                        + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE r.rulename <> '_RETURN' AND" + ns("n"),
                "SELECT 'policy ' || quote_ident(p.polname) || ' on ' || " + String.format(qualified, "c.relname")
                        + " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE" + ns("n"),
                "SELECT 'row level security on ' || " + String.format(qualified, "c.relname") + " FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE (c.relrowsecurity OR c.relforcerowsecurity) AND" + ns("n"));
        long params = sql.chars().filter(ch -> ch == '?').count();
        Object[] args = new Object[(int) params];
        Arrays.fill(args, excluded);
        return query(sql, rs -> rs.getString(1), args);
    }

    private record ViewRow(long oid, QName name, boolean materialized, String definition, List<String> options,
            Optional<String> comment) {}

    private static String stripSemicolon(String def) {
        String s = def.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).stripTrailing() : s;
    }

    private Map<Long, List<Column>> readColumns(List<Long> tableOids) throws SQLException {
        Map<Long, List<Column>> out = new HashMap<>();
        for (Object[] row : query("SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,"
                + " a.attidentity::text,"
                + " CASE WHEN a.attgenerated = 's' THEN pg_get_expr(ad.adbin, ad.adrelid) END,"
                + " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN"
                + "   CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)"
                + "   ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END END,"
                + " col_description(a.attrelid, a.attnum),"
                + " iseq.seqstart, iseq.seqincrement, iseq.seqmin, iseq.seqmax, iseq.seqcache, iseq.seqcycle"
                + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                + " LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " LEFT JOIN LATERAL (SELECT s.* FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid"
                + "   WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                + "   AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i' LIMIT 1) iseq"
                + "   ON a.attidentity <> ''"
                + " WHERE a.attrelid = ANY((?::text)::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attrelid, a.attnum",
                rs -> {
                    String identity = rs.getString(6);
                    Optional<Identity> id = identity == null || identity.isEmpty() ? Optional.empty()
                            : Optional.of(new Identity("a".equals(identity), rs.getLong(10), rs.getLong(11),
                                    rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getBoolean(15)));
                    return new Object[] {rs.getLong(1), new Column(rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            opt(rs, 5), id, opt(rs, 7), opt(rs, 8), opt(rs, 9))};
                },
                oids(tableOids))) {
            out.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((Column) row[1]);
        }
        return out;
    }

    private static String action(String code) {
        return switch (code) {
            case "a" -> "NO ACTION";
            case "r" -> "RESTRICT";
            case "c" -> "CASCADE";
            case "n" -> "SET NULL";
            case "d" -> "SET DEFAULT";
            default -> code;
        };
    }

    private static String match(String code) {
        return switch (code) {
            case "f" -> "FULL";
            case "p" -> "PARTIAL";
            default -> "SIMPLE";
        };
    }

    private static Constraint.Kind kind(String code) {
        return switch (code) {
            case "p" -> Constraint.Kind.PRIMARY_KEY;
            case "u" -> Constraint.Kind.UNIQUE;
            case "c" -> Constraint.Kind.CHECK;
            case "f" -> Constraint.Kind.FOREIGN_KEY;
            case "x" -> Constraint.Kind.EXCLUSION;
            default -> throw new IllegalStateException("unexpected constraint type " + code);
        };
    }

    private Map<Long, List<Constraint>> readConstraints(List<Long> tableOids) throws SQLException {
        Map<Long, List<Constraint>> out = new HashMap<>();
        for (Object[] row : query("SELECT con.conrelid, con.conname, con.contype::text, pg_get_constraintdef(con.oid),"
                + " con.convalidated,"
                + " ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i)"
                + "   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),"
                + " rn.nspname, rc.relname,"
                + " ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i)"
                + "   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i),"
                + " con.confupdtype::text, con.confdeltype::text, con.confmatchtype::text, con.condeferrable,"
                + " con.condeferred, obj_description(con.oid, 'pg_constraint')"
                + " FROM pg_constraint con LEFT JOIN pg_class rc ON rc.oid = con.confrelid"
                + " LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
                + " WHERE con.conrelid = ANY((?::text)::oid[]) AND con.contype IN ('p', 'u', 'c', 'f', 'x')",
                rs -> {
                    Constraint.Kind kind = kind(rs.getString(3));
                    String def = rs.getString(4);
                    if (def.endsWith(" NOT VALID")) {
                        def = def.substring(0, def.length() - " NOT VALID".length());
                    }
                    List<String> cols = strings(rs, 6);
                    Optional<ForeignKey> fk = kind != Constraint.Kind.FOREIGN_KEY ? Optional.empty()
                            : Optional.of(new ForeignKey(cols, new QName(rs.getString(7), rs.getString(8)), strings(rs, 9),
                                    action(rs.getString(10)), action(rs.getString(11)), match(rs.getString(12)),
                                    rs.getBoolean(13), rs.getBoolean(14)));
                    return new Object[] {rs.getLong(1),
                            new Constraint(rs.getString(2), kind, def, rs.getBoolean(5), cols, fk, opt(rs, 15))};
                },
                oids(tableOids))) {
            out.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((Constraint) row[1]);
        }
        return out;
    }

    private Map<Long, List<Index>> readIndexes(List<Long> relOids) throws SQLException {
        Map<Long, List<Index>> out = new HashMap<>();
        for (Object[] row : query("SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid), i.indisunique, am.amname,"
                + " i.indnkeyatts,"
                + " ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, false) FROM generate_series(1, i.indnatts) k ORDER BY k),"
                + " pg_get_expr(i.indpred, i.indrelid),"
                + " ARRAY(SELECT DISTINCT a.attname::text FROM pg_depend d"
                + "   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + "   WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid"
                + "   AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid AND d.refobjsubid > 0 ORDER BY 1),"
                + " i.indisvalid, obj_description(i.indexrelid, 'pg_class')"
                + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
                + " WHERE i.indrelid = ANY((?::text)::oid[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint con"
                + "   WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))",
                rs -> {
                    int nkey = rs.getInt(6);
                    List<String> all = strings(rs, 7);
                    return new Object[] {rs.getLong(1), new Index(rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            rs.getString(5), all.subList(0, Math.min(nkey, all.size())),
                            all.subList(Math.min(nkey, all.size()), all.size()), opt(rs, 8), strings(rs, 9),
                            rs.getBoolean(10), opt(rs, 11))};
                },
                oids(relOids))) {
            out.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((Index) row[1]);
        }
        return out;
    }
}
