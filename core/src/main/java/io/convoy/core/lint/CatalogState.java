package io.convoy.core.lint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the shadow lint compares between statements, read in the statement's own transaction: relations with
 * their {@code relfilenode}, columns, constraints, indexes, and the relation locks the backend holds.
 */
record CatalogState(Map<Long, Rel> rels, Map<String, Col> cols, Map<Long, Con> cons, Map<Long, Long> indexes,
        Map<Long, String> locks) {

    /** A relation: {@code kind} is pg_class.relkind. */
    record Rel(long oid, String name, char kind, long filenode) {
        boolean isTable() { return kind == 'r' || kind == 'p' || kind == 'm'; }
    }

    /** A column; {@code proven}: a validated {@code CHECK (col IS NOT NULL)} exists on its table. */
    record Col(long rel, int num, String name, long type, int typmod, boolean notNull, boolean hasDefault, boolean proven) {
        String key() { return rel + "/" + num; }
    }

    record Con(long oid, long rel, String name, char type, boolean validated) {}

    /** Lock modes from weakest to strongest. */
    static final List<String> MODES = List.of("AccessShareLock", "RowShareLock", "RowExclusiveLock",
            "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock");

    private static final String USER = " n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'"
            + " and n.nspname not like 'pg_temp%' and n.nspname <> ? ";

    static CatalogState read(Connection c, String versionSchema) throws SQLException {
        Map<Long, Rel> rels = new HashMap<>();
        query(c, "select c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, c.relfilenode"
                + " from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','p','m','i') and" + USER,
                versionSchema, rs -> rels.put(rs.getLong(1), new Rel(rs.getLong(1), rs.getString(2), rs.getString(3).charAt(0), rs.getLong(4))));
        Map<String, Col> cols = new HashMap<>();
        query(c, "select a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.atthasdef,"
                + " exists (select 1 from pg_constraint k where k.conrelid = a.attrelid and k.contype = 'c' and k.convalidated"
                + "   and pg_get_constraintdef(k.oid) in ('CHECK ((' || quote_ident(a.attname) || ' IS NOT NULL))',"
                + "                                       'CHECK (' || quote_ident(a.attname) || ' IS NOT NULL)'))"
                + " from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace"
                + " where c.relkind in ('r','p','m') and a.attnum > 0 and not a.attisdropped and" + USER,
                versionSchema, rs -> {
                    Col col = new Col(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
                            rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8));
                    cols.put(col.key(), col);
                });
        Map<Long, Con> cons = new HashMap<>();
        query(c, "select k.oid, k.conrelid, k.conname, k.contype, k.convalidated from pg_constraint k"
                + " join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace where" + USER,
                versionSchema, rs -> cons.put(rs.getLong(1), new Con(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        rs.getString(4).charAt(0), rs.getBoolean(5))));
        Map<Long, Long> indexes = new HashMap<>();
        query(c, "select i.indexrelid, i.indrelid from pg_index i join pg_class c on c.oid = i.indrelid"
                + " join pg_namespace n on n.oid = c.relnamespace where" + USER,
                versionSchema, rs -> indexes.put(rs.getLong(1), rs.getLong(2)));
        Map<Long, String> locks = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select l.relation, l.mode from pg_locks l where l.pid = pg_backend_pid()"
                + " and l.locktype = 'relation' and l.granted and l.database = (select oid from pg_database where datname = current_database())");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                locks.merge(rs.getLong(1), rs.getString(2), CatalogState::stronger);
            }
        }
        return new CatalogState(rels, cols, cons, indexes, locks);
    }

    static String stronger(String a, String b) {
        return MODES.indexOf(a) >= MODES.indexOf(b) ? a : b;
    }

    interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, String versionSchema, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, versionSchema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }
}
