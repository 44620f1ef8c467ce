package io.convoy.core.autogen;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * A small random schema grammar for the property test: enums, tables with an integer primary key,
 * columns of a few types (nullability, defaults), btree/hash indexes (unique, partial, expression)
 * and foreign keys (actions, deferrable). {@link #mutate} derives a valid second schema by 1-3
 * random edits. Everything is deterministic for a given {@link Random}.
 */
final class SchemaGen {
    static final List<String> TYPES = List.of("integer", "bigint", "text", "character varying(40)", "boolean",
            "numeric(10,2)", "timestamp with time zone");
    static final List<String> LABELS = List.of("red", "green", "blue", "cyan", "magenta", "yellow");
    static final List<String> ACTIONS = List.of("NO ACTION", "CASCADE", "SET NULL", "RESTRICT");

    static final class Col {
        String name;
        String type; // one of TYPES or "enum:<name>"
        boolean notNull;
        int defaultVariant = -1; // -1: no default

        Col copy() {
            Col c = new Col();
            c.name = name;
            c.type = type;
            c.notNull = notNull;
            c.defaultVariant = defaultVariant;
            return c;
        }
    }

    static final class Idx {
        String name;
        String column;
        boolean unique;
        boolean hash;
        boolean partial;
        boolean lower;

        Idx copy() {
            Idx i = new Idx();
            i.name = name;
            i.column = column;
            i.unique = unique;
            i.hash = hash;
            i.partial = partial;
            i.lower = lower;
            return i;
        }
    }

    static final class Fk {
        String name;
        String column;
        String ref;
        String onDelete;
        boolean deferrable;

        Fk copy() {
            Fk f = new Fk();
            f.name = name;
            f.column = column;
            f.ref = ref;
            f.onDelete = onDelete;
            f.deferrable = deferrable;
            return f;
        }
    }

    static final class Tbl {
        String name;
        boolean bigId;
        boolean identity;
        List<Col> cols = new ArrayList<>();
        List<Idx> idx = new ArrayList<>();
        List<Fk> fks = new ArrayList<>();
        List<String> checks = new ArrayList<>(); // "name:column"
        List<String> viewCols = null; // a view v_<table> over these columns, or none
        String comment;

        Tbl copy() {
            Tbl t = new Tbl();
            t.name = name;
            t.bigId = bigId;
            t.identity = identity;
            t.checks.addAll(checks);
            t.viewCols = viewCols == null ? null : new ArrayList<>(viewCols);
            t.comment = comment;
            cols.forEach(c -> t.cols.add(c.copy()));
            idx.forEach(i -> t.idx.add(i.copy()));
            fks.forEach(f -> t.fks.add(f.copy()));
            return t;
        }

        Col col(String n) {
            return cols.stream().filter(c -> c.name.equals(n)).findFirst().orElse(null);
        }
    }

    static final class En {
        String name;
        List<String> labels = new ArrayList<>();

        En copy() {
            En e = new En();
            e.name = name;
            e.labels.addAll(labels);
            return e;
        }
    }

    static final class Model {
        List<En> enums = new ArrayList<>();
        List<Tbl> tables = new ArrayList<>();
        int counter;

        Model copy() {
            Model m = new Model();
            enums.forEach(e -> m.enums.add(e.copy()));
            tables.forEach(t -> m.tables.add(t.copy()));
            m.counter = counter;
            return m;
        }

        En en(String n) {
            return enums.stream().filter(e -> e.name.equals(n)).findFirst().orElse(null);
        }

        Tbl table(String n) {
            return tables.stream().filter(t -> t.name.equals(n)).findFirst().orElse(null);
        }
    }

    private final Random r;

    SchemaGen(Random r) {
        this.r = r;
    }

    private <T> T pick(List<T> items) {
        return items.get(r.nextInt(items.size()));
    }

    private String fresh(Model m, String prefix) {
        return prefix + (m.counter++);
    }

    Model generate() {
        Model m = new Model();
        int enums = r.nextInt(3);
        for (int i = 0; i < enums; i++) {
            addEnum(m);
        }
        int tables = 1 + r.nextInt(4);
        for (int i = 0; i < tables; i++) {
            addTable(m);
        }
        return m;
    }

    private En addEnum(Model m) {
        En e = new En();
        e.name = fresh(m, "e");
        List<String> pool = new ArrayList<>(LABELS);
        int n = 2 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            e.labels.add(pool.remove(r.nextInt(pool.size())));
        }
        m.enums.add(e);
        return e;
    }

    private void addTable(Model m) {
        Tbl t = new Tbl();
        t.name = fresh(m, "t");
        t.bigId = r.nextBoolean();
        t.identity = r.nextInt(3) == 0;
        int cols = r.nextInt(4);
        for (int i = 0; i < cols; i++) {
            addColumn(m, t);
        }
        if (!m.tables.isEmpty() && r.nextBoolean()) {
            addFk(m, t);
        }
        if (!t.cols.isEmpty() && r.nextBoolean()) {
            addIndex(m, t);
        }
        if (!t.cols.isEmpty() && r.nextInt(4) == 0) {
            t.checks.add(fresh(m, "ck") + ":" + pick(t.cols).name);
        }
        if (r.nextInt(3) == 0) {
            toggleView(t);
        }
        if (r.nextInt(4) == 0) {
            t.comment = "table " + r.nextInt(3);
        }
        m.tables.add(t);
    }

    private Col addColumn(Model m, Tbl t) {
        Col c = new Col();
        c.name = fresh(m, "c");
        c.type = !m.enums.isEmpty() && r.nextInt(5) == 0 ? "enum:" + pick(m.enums).name : pick(TYPES);
        c.notNull = r.nextInt(3) == 0;
        c.defaultVariant = r.nextBoolean() ? r.nextInt(5) : -1;
        t.cols.add(c);
        return c;
    }

    private void addFk(Model m, Tbl t) {
        List<Tbl> targets = m.tables.stream().filter(x -> x != t).toList();
        if (targets.isEmpty()) {
            return;
        }
        Tbl ref = pick(targets);
        Col c = new Col();
        c.name = fresh(m, "ref");
        c.type = r.nextBoolean() ? "integer" : "bigint";
        c.notNull = r.nextInt(3) == 0;
        t.cols.add(c);
        Fk f = new Fk();
        f.name = fresh(m, "fk");
        f.column = c.name;
        f.ref = ref.name;
        f.onDelete = pick(ACTIONS);
        if (c.notNull && f.onDelete.equals("SET NULL")) {
            f.onDelete = "CASCADE";
        }
        f.deferrable = r.nextInt(4) == 0;
        t.fks.add(f);
    }

    private void addIndex(Model m, Tbl t) {
        Idx i = new Idx();
        i.name = fresh(m, "ix");
        i.column = pick(t.cols).name;
        i.hash = r.nextInt(5) == 0;
        i.unique = !i.hash && r.nextInt(3) == 0;
        i.partial = r.nextInt(3) == 0;
        i.lower = r.nextInt(3) == 0;
        t.idx.add(i);
    }

    private void toggleView(Tbl t) {
        if (t.viewCols != null && r.nextBoolean()) {
            t.viewCols = null;
            return;
        }
        t.viewCols = new ArrayList<>();
        for (Col c : t.cols) {
            if (r.nextBoolean()) {
                t.viewCols.add(c.name);
            }
        }
    }

    private boolean usedAsFk(Tbl t, String col) {
        return t.fks.stream().anyMatch(f -> f.column.equals(col));
    }

    /** A copy of {@code a} with 1-3 random edits, still a valid schema. */
    Model mutate(Model a) {
        Model m = a.copy();
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            edit(m);
        }
        return m;
    }

    private void edit(Model m) {
        Tbl t = m.tables.isEmpty() ? null : pick(m.tables);
        switch (r.nextInt(20)) {
            case 16 -> {
                if (t != null) {
                    toggleView(t);
                }
            }
            case 17 -> {
                if (t != null && !t.cols.isEmpty()) {
                    if (!t.checks.isEmpty() && r.nextBoolean()) {
                        t.checks.remove(r.nextInt(t.checks.size()));
                    } else {
                        t.checks.add(fresh(m, "ck") + ":" + pick(t.cols).name);
                    }
                }
            }
            case 18 -> {
                if (t != null) {
                    t.comment = r.nextInt(3) == 0 ? null : "table " + r.nextInt(3);
                }
            }
            case 0 -> addTable(m);
            case 1 -> {
                if (m.tables.size() > 1 && t != null) {
                    m.tables.remove(t);
                    m.tables.forEach(o -> o.fks.removeIf(f -> f.ref.equals(t.name)));
                }
            }
            case 2 -> {
                if (t != null) {
                    addColumn(m, t);
                }
            }
            case 3 -> {
                if (t != null && !t.cols.isEmpty()) {
                    Col c = pick(t.cols);
                    t.cols.remove(c);
                    t.idx.removeIf(i -> i.column.equals(c.name));
                    t.fks.removeIf(f -> f.column.equals(c.name));
                    t.checks.removeIf(k -> k.endsWith(":" + c.name));
                }
            }
            case 4 -> {
                Col c = pickCol(t, x -> !usedAsFk(t, x.name));
                if (c != null) {
                    c.type = retype(m, c.type);
                }
            }
            case 5 -> {
                Col c = pickCol(t, x -> true);
                if (c != null) {
                    c.notNull = !c.notNull;
                    t.fks.stream().filter(f -> f.column.equals(c.name) && f.onDelete.equals("SET NULL"))
                            .forEach(f -> f.onDelete = "NO ACTION");
                }
            }
            case 6 -> {
                Col c = pickCol(t, x -> true);
                if (c != null) {
                    c.defaultVariant = c.defaultVariant >= 0 && r.nextBoolean() ? -1 : r.nextInt(5);
                }
            }
            case 7 -> {
                if (t != null && !t.cols.isEmpty()) {
                    addIndex(m, t);
                }
            }
            case 8 -> {
                if (t != null && !t.idx.isEmpty()) {
                    Idx i = pick(t.idx);
                    switch (r.nextInt(3)) {
                        case 0 -> t.idx.remove(i);
                        case 1 -> i.unique = !i.hash && !i.unique;
                        default -> i.partial = !i.partial;
                    }
                }
            }
            case 9 -> {
                if (t != null) {
                    addFk(m, t);
                }
            }
            case 10 -> {
                if (t != null && !t.fks.isEmpty()) {
                    Fk f = pick(t.fks);
                    if (r.nextBoolean()) {
                        t.fks.remove(f);
                    } else {
                        f.onDelete = t.col(f.column).notNull ? "RESTRICT" : pick(ACTIONS);
                        f.deferrable = !f.deferrable;
                    }
                }
            }
            case 11 -> {
                En en = addEnum(m);
                if (t != null) {
                    Col c = addColumn(m, t);
                    c.type = "enum:" + en.name;
                }
            }
            case 12 -> {
                if (!m.enums.isEmpty()) {
                    En en = pick(m.enums);
                    List<String> unused = LABELS.stream().filter(l -> !en.labels.contains(l)).toList();
                    if (!unused.isEmpty()) {
                        en.labels.add(r.nextInt(en.labels.size() + 1), pick(unused));
                    }
                }
            }
            case 13 -> {
                if (!m.enums.isEmpty()) {
                    En en = pick(m.enums);
                    if (en.labels.size() > 2) {
                        en.labels.remove(r.nextInt(en.labels.size()));
                    }
                }
            }
            case 14 -> {
                if (t != null) {
                    t.bigId = !t.bigId;
                }
            }
            default -> {
                if (t != null) {
                    t.identity = !t.identity;
                }
            }
        }
    }

    private Col pickCol(Tbl t, Predicate<Col> ok) {
        if (t == null) {
            return null;
        }
        List<Col> cols = t.cols.stream().filter(ok).toList();
        return cols.isEmpty() ? null : pick(cols);
    }

    /** A type the old one casts to and back from (empty tables: only the casts have to exist). */
    private String retype(Model m, String type) {
        List<String> numeric = List.of("integer", "bigint", "numeric(10,2)");
        List<String> options = new ArrayList<>(List.of("text", "character varying(40)"));
        if (numeric.contains(type)) {
            options.addAll(numeric);
        }
        if (type.equals("text") || type.equals("character varying(40)")) {
            options.addAll(TYPES);
            m.enums.forEach(e -> options.add("enum:" + e.name));
        }
        options.remove(type);
        return pick(options);
    }

    // -------------------------------------------------------------------------------- rendering

    static String sql(Model m) {
        StringBuilder sb = new StringBuilder();
        for (En e : m.enums) {
            sb.append("CREATE TYPE ").append(e.name).append(" AS ENUM (")
                    .append(String.join(", ", e.labels.stream().map(l -> "'" + l + "'").toList())).append(");\n");
        }
        for (Tbl t : m.tables) {
            List<String> items = new ArrayList<>();
            items.add("id " + (t.bigId ? "bigint" : "integer") + (t.identity ? " GENERATED BY DEFAULT AS IDENTITY" : "")
                    + " PRIMARY KEY");
            for (Col c : t.cols) {
                String type = type(c.type);
                StringBuilder d = new StringBuilder(c.name).append(' ').append(type);
                if (c.defaultVariant >= 0) {
                    d.append(" DEFAULT ").append(literal(m, c.type, c.defaultVariant));
                }
                if (c.notNull) {
                    d.append(" NOT NULL");
                }
                items.add(d.toString());
            }
            for (String k : t.checks) {
                String[] nc = k.split(":");
                items.add("CONSTRAINT " + nc[0] + " CHECK (" + nc[1] + " IS NOT NULL OR id > 0)");
            }
            sb.append("CREATE TABLE ").append(t.name).append(" (\n  ").append(String.join(",\n  ", items)).append("\n);\n");
            if (t.comment != null) {
                sb.append("COMMENT ON TABLE ").append(t.name).append(" IS '").append(t.comment).append("';\n");
            }
        }
        for (Tbl t : m.tables) {
            if (t.viewCols != null) {
                List<String> cols = new ArrayList<>(List.of("id"));
                t.viewCols.stream().filter(c -> t.col(c) != null).forEach(cols::add);
                sb.append("CREATE VIEW v_").append(t.name).append(" AS SELECT ").append(String.join(", ", cols))
                        .append(" FROM ").append(t.name).append(";\n");
            }
        }
        for (Tbl t : m.tables) {
            for (Fk f : t.fks) {
                sb.append("ALTER TABLE ").append(t.name).append(" ADD CONSTRAINT ").append(f.name).append(" FOREIGN KEY (")
                        .append(f.column).append(") REFERENCES ").append(f.ref).append(" (id) ON DELETE ").append(f.onDelete)
                        .append(f.deferrable ? " DEFERRABLE INITIALLY DEFERRED" : "").append(";\n");
            }
            for (Idx i : t.idx) {
                Col c = t.col(i.column);
                boolean textual = c.type.equals("text") || c.type.startsWith("character varying");
                String key = i.lower && textual ? "(lower(" + i.column + "))" : i.column;
                sb.append("CREATE ").append(i.unique ? "UNIQUE " : "").append("INDEX ").append(i.name).append(" ON ")
                        .append(t.name).append(i.hash ? " USING hash" : "").append(" (").append(key).append(")")
                        .append(i.partial ? " WHERE " + i.column + " IS NOT NULL" : "").append(";\n");
            }
        }
        return sb.toString();
    }

    private static String type(String t) {
        return t.startsWith("enum:") ? t.substring(5) : t;
    }

    private static String literal(Model m, String type, int variant) {
        if (type.startsWith("enum:")) {
            En e = m.en(type.substring(5));
            return "'" + e.labels.get(variant % e.labels.size()) + "'";
        }
        return switch (type) {
            case "integer", "bigint" -> String.valueOf(variant * 7);
            case "numeric(10,2)" -> variant + ".5";
            case "boolean" -> variant % 2 == 0 ? "true" : "false";
            case "timestamp with time zone" -> variant % 2 == 0 ? "now()" : "'2020-01-0" + (variant + 1) + " 00:00:00+00'";
            default -> "'v" + variant + "'";
        };
    }
}
