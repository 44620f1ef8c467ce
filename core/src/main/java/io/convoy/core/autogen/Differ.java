package io.convoy.core.autogen;

import io.convoy.core.catalog.Catalog;
import io.convoy.core.catalog.Column;
import io.convoy.core.catalog.Constraint;
import io.convoy.core.catalog.Domain;
import io.convoy.core.catalog.EnumType;
import io.convoy.core.catalog.Extension;
import io.convoy.core.catalog.ForeignKey;
import io.convoy.core.catalog.Index;
import io.convoy.core.catalog.QName;
import io.convoy.core.catalog.Routine;
import io.convoy.core.catalog.Schema;
import io.convoy.core.catalog.Sequence;
import io.convoy.core.catalog.Sql;
import io.convoy.core.catalog.Table;
import io.convoy.core.catalog.Trigger;
import io.convoy.core.catalog.View;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compares a current catalog with a desired one and produces the ordered changes that take the
 * first to the second, each with the downgrade that exactly undoes it. Pure: no database needed.
 *
 * <p>Ordering: see {@link Phase}. Everything that depends on an object (triggers, views, foreign
 * keys, indexes, constraints, ownership of sequences) is dropped before the object changes and
 * created after it. Views that read a changing table are dropped and recreated around the change.
 * Downgrade runs each change's inverse in reverse order, so it returns to the current catalog.
 */
public final class Differ {
    private static final String ENUM_TMP_SUFFIX = "__convoy_old";

    private final Catalog a;
    private final Catalog b;
    private final List<Change> out = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** Per table (by name, present in both): columns dropped and added back (generated columns). */
    private final Map<QName, Set<String>> regenerated = new HashMap<>();
    /** Per table: columns whose type or collation changes. */
    private final Map<QName, Set<String>> retyped = new HashMap<>();
    /** Tables whose readers (views) must be dropped and recreated around this change. */
    private final Set<QName> viewTouchedTables = new HashSet<>();
    /** Tables in both whose PRIMARY KEY / UNIQUE constraints or unique indexes are dropped or changed. */
    private final Set<QName> uniqueChanged = new HashSet<>();
    /** Functions dropped and created again (signature kept, result or arguments changed). */
    private final Set<String> recreatedRoutines = new HashSet<>();
    /** Views (present in both) dropped and created again. */
    private final Set<QName> recreatedViews = new LinkedHashSet<>();
    /** Enums whose labels shrink or reorder: recreated in the main part. */
    private final Map<QName, List<String>> narrowedEnums = new LinkedHashMap<>();

    private Differ(Catalog a, Catalog b) {
        this.a = a;
        this.b = b;
    }

    /** The changes that take {@code current} to {@code desired}; empty when they are equal. */
    public static AutogenResult diff(Catalog current, Catalog desired) {
        return diff(current, desired, List.of());
    }

    /**
     * Like {@link #diff(Catalog, Catalog)}, with {@code before} (renames already applied to
     * {@code current}) placed first in the main part.
     */
    public static AutogenResult diff(Catalog current, Catalog desired, List<Change> before) {
        Differ d = new Differ(current, desired);
        d.out.addAll(before);
        d.run();
        List<Change> sorted = new ArrayList<>(d.out);
        sorted.sort(Comparator.comparing((Change c) -> c.part().ordinal()).thenComparing(c -> c.phase().ordinal()));
        return new AutogenResult(sorted, d.warnings);
    }

    // ------------------------------------------------------------------------------------------

    private void add(Part part, Phase phase, String summary, List<String> up, List<String> down) {
        out.add(new Change(part, phase, summary, up, down, Optional.empty()));
    }

    private void add(Phase phase, String summary, List<String> up, List<String> down) {
        add(Part.MAIN, phase, summary, up, down);
    }

    private void addReviewed(Phase phase, String summary, List<String> up, List<String> down, String review) {
        out.add(new Change(Part.MAIN, phase, summary, up, down, Optional.ofNullable(review)));
    }

    private static <T, K> Map<K, T> index(List<T> items, Function<T, K> key) {
        Map<K, T> m = new LinkedHashMap<>();
        items.forEach(i -> m.put(key.apply(i), i));
        return m;
    }

    private static List<String> list(String... s) {
        return List.of(s);
    }

    private static List<String> concat(List<String> x, List<String> y) {
        List<String> l = new ArrayList<>(x);
        l.addAll(y);
        return l;
    }

    private void run() {
        analyseTables();
        analyseEnums();
        schemas();
        extensions();
        enums();
        domains();
        sequences();
        routines();
        tables();
        foreignKeys();
        views();
        triggers();
        possibleRenames();
        unsupported();
    }

    private void unsupported() {
        for (String u : b.unsupported()) {
            if (!a.unsupported().contains(u)) {
                warnings.add("+ " + u);
            }
        }
        for (String u : a.unsupported()) {
            if (!b.unsupported().contains(u)) {
                warnings.add("- " + u);
            }
        }
    }

    // ----------------------------------------------------------------------------------- domains

    private void domains() {
        Map<QName, Domain> bd = index(b.domains(), Domain::name);
        Map<QName, Domain> ad = index(a.domains(), Domain::name);
        for (Domain d : b.domains()) {
            Domain old = ad.get(d.name());
            if (old == null) {
                add(Phase.CREATE_DOMAIN, "+ domain " + d.name().display(), Ddl.createDomain(d), list("DROP DOMAIN " + d.name().sql()));
                continue;
            }
            if (!old.baseType().equals(d.baseType()) || !old.collation().equals(d.collation())) {
                warnings.add("~ domain " + d.name().display() + ": base type " + old.baseType() + old.collation().map(c -> " COLLATE " + c).orElse("")
                        + " → " + d.baseType() + d.collation().map(c -> " COLLATE " + c).orElse("")
                        + " (a domain's base type cannot be altered; recreate it and convert its columns)");
                continue;
            }
            List<String> up = alterDomainSql(old, d);
            if (!up.isEmpty()) {
                add(Phase.CREATE_DOMAIN, "~ domain " + d.name().display(), up, alterDomainSql(d, old));
            }
            if (!old.comment().equals(d.comment())) {
                String target = "DOMAIN " + d.name().sql();
                add(Phase.COMMENT, "~ comment on domain " + d.name().display(), list(Ddl.comment(target, d.comment())),
                        list(Ddl.comment(target, old.comment())));
            }
        }
        for (Domain d : a.domains()) {
            if (!bd.containsKey(d.name())) {
                add(Phase.DROP_DOMAIN, "- domain " + d.name().display(), list("DROP DOMAIN " + d.name().sql()), Ddl.createDomain(d));
            }
        }
    }

    /** Statements taking domain {@code from} to {@code to} (same base type): constraints, default, NOT NULL. */
    static List<String> alterDomainSql(Domain from, Domain to) {
        String alter = "ALTER DOMAIN " + to.name().sql() + " ";
        List<String> sql = new ArrayList<>();
        for (Constraint c : from.constraints()) {
            if (to.constraint(c.name()).filter(x -> x.sameShape(c)).isEmpty()) {
                sql.add(alter + "DROP CONSTRAINT " + Sql.ident(c.name()));
            }
        }
        if (!from.defaultExpr().equals(to.defaultExpr())) {
            sql.add(alter + to.defaultExpr().map(x -> "SET DEFAULT " + x).orElse("DROP DEFAULT"));
        }
        if (from.notNull() != to.notNull()) {
            sql.add(alter + (to.notNull() ? "SET NOT NULL" : "DROP NOT NULL"));
        }
        for (Constraint c : to.constraints()) {
            Optional<Constraint> was = from.constraint(c.name());
            if (was.filter(x -> x.sameShape(c)).isEmpty()) {
                sql.add(alter + "ADD CONSTRAINT " + Sql.ident(c.name()) + " " + c.definition() + (c.validated() ? "" : " NOT VALID"));
                c.comment().ifPresent(x -> sql.add(Ddl.domainConstraintComment(to, c.name(), c.comment())));
            } else if (!was.get().comment().equals(c.comment())) {
                sql.add(Ddl.domainConstraintComment(to, c.name(), c.comment()));
            }
        }
        return sql;
    }

    // ---------------------------------------------------------------------------------- analysis

    private void analyseTables() {
        Map<QName, Table> bt = index(b.tables(), Table::name);
        for (Table ta : a.tables()) {
            Table tb = bt.get(ta.name());
            if (tb == null) {
                viewTouchedTables.add(ta.name());
                continue;
            }
            Set<String> regen = new TreeSet<>();
            Set<String> retype = new TreeSet<>();
            for (Column ca : ta.columns()) {
                Optional<Column> cb = tb.column(ca.name());
                if (cb.isEmpty()) {
                    viewTouchedTables.add(ta.name());
                    continue;
                }
                if (!ca.generated().equals(cb.get().generated())) {
                    regen.add(ca.name());
                } else if (!ca.type().equals(cb.get().type()) || !ca.collation().equals(cb.get().collation())) {
                    retype.add(ca.name());
                }
            }
            if (!regen.isEmpty() || !retype.isEmpty()) {
                viewTouchedTables.add(ta.name());
            }
            regenerated.put(ta.name(), regen);
            retyped.put(ta.name(), retype);
            for (Constraint c : ta.constraints()) {
                if ((c.kind() == Constraint.Kind.PRIMARY_KEY || c.kind() == Constraint.Kind.UNIQUE)
                        && (tb.constraint(c.name()).filter(x -> x.sameShape(c)).isEmpty() || usesAny(c.columns(), regen))) {
                    uniqueChanged.add(ta.name());
                }
            }
            for (Index i : ta.indexes()) {
                if (i.unique() && (tb.index(i.name()).filter(x -> x.definition().equals(i.definition())).isEmpty()
                        || usesAny(i.columns(), regen))) {
                    uniqueChanged.add(ta.name());
                }
            }
        }
    }

    private static boolean usesAny(List<String> columns, Set<String> set) {
        return set != null && columns.stream().anyMatch(set::contains);
    }

    private Set<String> regenerated(QName table) {
        return regenerated.getOrDefault(table, Set.of());
    }

    private Set<String> retyped(QName table) {
        return retyped.getOrDefault(table, Set.of());
    }

    private void analyseEnums() {
        Map<QName, EnumType> be = index(b.enums(), EnumType::name);
        for (EnumType ea : a.enums()) {
            EnumType eb = be.get(ea.name());
            if (eb == null || eb.labels().equals(ea.labels())) {
                continue;
            }
            List<String> union = union(ea.labels(), eb.labels());
            if (!union.equals(eb.labels())) {
                narrowedEnums.put(ea.name(), union);
                viewTouchedTables.addAll(tablesUsing(a, ea.name()));
                viewTouchedTables.addAll(tablesUsing(b, ea.name()));
            }
        }
    }

    /** A's labels with B's new labels inserted after the B label that precedes them. */
    static List<String> union(List<String> current, List<String> desired) {
        List<String> union = new ArrayList<>(current);
        String prev = null;
        for (String l : desired) {
            if (!union.contains(l)) {
                union.add(prev == null ? 0 : union.indexOf(prev) + 1, l);
            }
            prev = l;
        }
        return union;
    }

    private static boolean isOfType(Column c, QName type) {
        return c.generated().isEmpty() && (c.type().equals(type.sql()) || c.type().equals(type.sql() + "[]"));
    }

    private static Set<QName> tablesUsing(Catalog cat, QName type) {
        Set<QName> out = new TreeSet<>();
        for (Table t : cat.tables()) {
            if (t.columns().stream().anyMatch(c -> isOfType(c, type))) {
                out.add(t.name());
            }
        }
        return out;
    }

    // ----------------------------------------------------------------------------------- schemas

    private void schemas() {
        Map<String, Schema> bs = index(b.schemas(), Schema::name);
        Map<String, Schema> as = index(a.schemas(), Schema::name);
        for (Schema s : b.schemas()) {
            Schema old = as.get(s.name());
            String target = "SCHEMA " + Sql.ident(s.name());
            if (old == null) {
                List<String> up = new ArrayList<>(list("CREATE SCHEMA " + Sql.ident(s.name())));
                s.comment().ifPresent(x -> up.add(Ddl.comment(target, s.comment())));
                add(Phase.CREATE_SCHEMA, "+ schema " + s.name(), up, list("DROP SCHEMA " + Sql.ident(s.name())));
            } else if (!old.comment().equals(s.comment())) {
                add(Phase.COMMENT, "~ comment on schema " + s.name(), list(Ddl.comment(target, s.comment())),
                        list(Ddl.comment(target, old.comment())));
            }
        }
        for (Schema s : a.schemas()) {
            if (!bs.containsKey(s.name())) {
                List<String> down = new ArrayList<>(list("CREATE SCHEMA " + Sql.ident(s.name())));
                s.comment().ifPresent(x -> down.add(Ddl.comment("SCHEMA " + Sql.ident(s.name()), s.comment())));
                add(Phase.DROP_SCHEMA, "- schema " + s.name(), list("DROP SCHEMA " + Sql.ident(s.name())), down);
            }
        }
    }

    private void extensions() {
        Map<String, Extension> be = index(b.extensions(), Extension::name);
        Map<String, Extension> ae = index(a.extensions(), Extension::name);
        for (Extension e : b.extensions()) {
            Extension old = ae.get(e.name());
            String create = "CREATE EXTENSION " + Sql.ident(e.name()) + " WITH SCHEMA " + Sql.ident(e.schema());
            String drop = "DROP EXTENSION " + Sql.ident(e.name());
            if (old == null) {
                add(Phase.CREATE_EXTENSION, "+ extension " + e.name(), list(create), list(drop));
                continue;
            }
            if (!old.schema().equals(e.schema())) {
                add(Phase.CREATE_EXTENSION, "~ extension " + e.name() + ": schema " + old.schema() + " → " + e.schema(),
                        list("ALTER EXTENSION " + Sql.ident(e.name()) + " SET SCHEMA " + Sql.ident(e.schema())),
                        list("ALTER EXTENSION " + Sql.ident(e.name()) + " SET SCHEMA " + Sql.ident(old.schema())));
            }
            if (!old.version().equals(e.version())) {
                add(Phase.CREATE_EXTENSION, "~ extension " + e.name() + ": version " + old.version() + " → " + e.version(),
                        list("ALTER EXTENSION " + Sql.ident(e.name()) + " UPDATE TO " + Sql.literal(e.version())),
                        list("ALTER EXTENSION " + Sql.ident(e.name()) + " UPDATE TO " + Sql.literal(old.version())));
            }
        }
        for (Extension e : a.extensions()) {
            if (!be.containsKey(e.name())) {
                add(Phase.DROP_EXTENSION, "- extension " + e.name(), list("DROP EXTENSION " + Sql.ident(e.name())),
                        list("CREATE EXTENSION " + Sql.ident(e.name()) + " WITH SCHEMA " + Sql.ident(e.schema())));
            }
        }
    }

    // ------------------------------------------------------------------------------------- enums

    private void enums() {
        Map<QName, EnumType> be = index(b.enums(), EnumType::name);
        Map<QName, EnumType> ae = index(a.enums(), EnumType::name);
        for (EnumType e : b.enums()) {
            EnumType old = ae.get(e.name());
            if (old == null) {
                add(Phase.CREATE_ENUM, "+ enum " + e.name().display(), Ddl.createEnum(e), list("DROP TYPE " + e.name().sql()));
                continue;
            }
            if (!old.labels().equals(e.labels())) {
                changeEnumLabels(old, e);
            }
            if (!old.comment().equals(e.comment())) {
                String target = "TYPE " + e.name().sql();
                add(Phase.COMMENT, "~ comment on enum " + e.name().display(), list(Ddl.comment(target, e.comment())),
                        list(Ddl.comment(target, old.comment())));
            }
        }
        for (EnumType e : a.enums()) {
            if (!be.containsKey(e.name())) {
                add(Phase.DROP_ENUM, "- enum " + e.name().display(), list("DROP TYPE " + e.name().sql()), Ddl.createEnum(e));
            }
        }
    }

    private void changeEnumLabels(EnumType old, EnumType desired) {
        List<String> union = new ArrayList<>(old.labels());
        List<String> adds = new ArrayList<>();
        List<String> added = new ArrayList<>();
        String prev = null;
        for (String l : desired.labels()) {
            if (!union.contains(l)) {
                int pos = prev == null ? 0 : union.indexOf(prev) + 1;
                String where = union.isEmpty() ? ""
                        : pos == 0 ? " BEFORE " + Sql.literal(union.get(0)) : " AFTER " + Sql.literal(union.get(pos - 1));
                union.add(pos, l);
                adds.add("ALTER TYPE " + old.name().sql() + " ADD VALUE " + Sql.literal(l) + where);
                added.add(l);
            }
            prev = l;
        }
        String review = routinesUsing(old.name());
        if (!adds.isEmpty()) {
            List<String> down = withDependentViews(a, tablesUsing(a, old.name()),
                    recreateEnum(old, a));
            out.add(new Change(Part.ENUM_VALUES, Phase.ADD_ENUM_VALUE, "~ enum " + old.name().display() + ": add "
                    + String.join(", ", added.stream().map(Sql::literal).toList()), adds, down,
                    review == null ? Optional.empty() : Optional.of(review)));
        }
        if (!union.equals(desired.labels())) {
            List<String> removed = union.stream().filter(l -> !desired.labels().contains(l)).toList();
            EnumType unionType = new EnumType(old.name(), union, old.comment());
            String what = removed.isEmpty() ? "reorder labels"
                    : "remove " + String.join(", ", removed.stream().map(Sql::literal).toList());
            String why = "recreates type " + old.name().display() + " to " + what
                    + " (ALTER COLUMN ... TYPE rewrites every table using it; rows holding a removed value make it fail)";
            addReviewed(Phase.RECREATE_ENUM, "~ enum " + old.name().display() + ": " + what + " (type recreated)",
                    recreateEnum(desired, b), recreateEnum(unionType, b), review == null ? why : why + "; " + review);
        }
    }

    private String routinesUsing(QName type) {
        List<String> users = new ArrayList<>();
        for (Routine r : a.routines()) {
            if (r.arguments().contains(type.sql()) || r.result().contains(type.sql())) {
                users.add(r.signature());
            }
        }
        return users.isEmpty() ? null
                : "functions " + users + " use enum " + type.display() + ": recreating it needs them dropped and recreated by hand";
    }

    /**
     * Recreates an enum with {@code target}'s labels: the old type is renamed away, the new one
     * created, every column of {@code state} using it converted through text, the old one dropped.
     */
    private static List<String> recreateEnum(EnumType target, Catalog state) {
        QName name = target.name();
        String tmpName = name.name().length() + ENUM_TMP_SUFFIX.length() > 63
                ? name.name().substring(0, 63 - ENUM_TMP_SUFFIX.length()) + ENUM_TMP_SUFFIX
                : name.name() + ENUM_TMP_SUFFIX;
        QName tmp = name.withName(tmpName);
        List<String> sql = new ArrayList<>();
        sql.add("ALTER TYPE " + name.sql() + " RENAME TO " + Sql.ident(tmpName));
        sql.addAll(Ddl.createEnum(target));
        for (Table t : state.tables()) {
            for (Column c : t.columns()) {
                if (!isOfType(c, name)) {
                    continue;
                }
                boolean array = c.type().endsWith("[]");
                String col = "ALTER COLUMN " + Sql.ident(c.name());
                if (c.defaultExpr().isPresent()) {
                    sql.add(Ddl.alterTable(t.name(), col + " DROP DEFAULT"));
                }
                sql.add(Ddl.alterTable(t.name(), col + " TYPE " + c.type() + " USING " + Sql.ident(c.name())
                        + (array ? "::text[]::" : "::text::") + c.type()));
                c.defaultExpr().ifPresent(d -> sql.add(Ddl.alterTable(t.name(), col + " SET DEFAULT " + d)));
            }
        }
        sql.add("DROP TYPE " + tmp.sql());
        return sql;
    }

    /** Wraps {@code inner} in dropping and recreating the views of {@code state} that read {@code tables}. */
    private static List<String> withDependentViews(Catalog state, Set<QName> tables, List<String> inner) {
        Set<QName> affected = new HashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (View v : state.views()) {
                if (!affected.contains(v.name())
                        && v.dependsOn().stream().anyMatch(d -> tables.contains(d) || affected.contains(d))) {
                    affected.add(v.name());
                    grew = true;
                }
            }
        }
        if (affected.isEmpty()) {
            return inner;
        }
        List<View> order = topological(state.views()).stream().filter(v -> affected.contains(v.name())).toList();
        List<String> sql = new ArrayList<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            sql.add(Ddl.dropView(order.get(i)));
        }
        sql.addAll(inner);
        for (View v : order) {
            sql.addAll(Ddl.createView(v));
        }
        return sql;
    }

    // --------------------------------------------------------------------------------- sequences

    private void sequences() {
        Map<QName, Sequence> bs = index(b.sequences(), Sequence::name);
        Map<QName, Sequence> as = index(a.sequences(), Sequence::name);
        for (Sequence s : b.sequences()) {
            Sequence old = as.get(s.name());
            if (old == null) {
                add(Phase.CREATE_SEQUENCE, "+ sequence " + s.name().display(), Ddl.createSequence(s),
                        list("DROP SEQUENCE " + s.name().sql()));
                s.ownedBy().ifPresent(o -> own(s, o.sql()));
                continue;
            }
            if (!old.options().equals(s.options())) {
                add(Phase.ALTER_SEQUENCE, "~ sequence " + s.name().display() + ": " + old.options() + " → " + s.options(),
                        list("ALTER SEQUENCE " + s.name().sql() + " " + s.options()),
                        list("ALTER SEQUENCE " + s.name().sql() + " " + old.options()));
            }
            if (!old.ownedBy().equals(s.ownedBy())) {
                old.ownedBy().ifPresent(o -> disown(old, o.sql()));
                s.ownedBy().ifPresent(o -> own(s, o.sql()));
            }
            if (!old.comment().equals(s.comment())) {
                String target = "SEQUENCE " + s.name().sql();
                add(Phase.COMMENT, "~ comment on sequence " + s.name().display(), list(Ddl.comment(target, s.comment())),
                        list(Ddl.comment(target, old.comment())));
            }
        }
        for (Sequence s : a.sequences()) {
            if (!bs.containsKey(s.name())) {
                s.ownedBy().ifPresent(o -> disown(s, o.sql()));
                add(Phase.DROP_SEQUENCE, "- sequence " + s.name().display(), list("DROP SEQUENCE " + s.name().sql()),
                        Ddl.createSequence(s));
            }
        }
    }

    private void own(Sequence s, String column) {
        add(Phase.OWN_SEQUENCE, "~ sequence " + s.name().display() + ": owned by " + column,
                list("ALTER SEQUENCE " + s.name().sql() + " OWNED BY " + column),
                list("ALTER SEQUENCE " + s.name().sql() + " OWNED BY NONE"));
    }

    private void disown(Sequence s, String column) {
        add(Phase.DISOWN_SEQUENCE, "~ sequence " + s.name().display() + ": no longer owned by " + column,
                list("ALTER SEQUENCE " + s.name().sql() + " OWNED BY NONE"),
                list("ALTER SEQUENCE " + s.name().sql() + " OWNED BY " + column));
    }

    // ---------------------------------------------------------------------------------- routines

    private void routines() {
        Map<String, Routine> br = index(b.routines(), Routine::key);
        Map<String, Routine> ar = index(a.routines(), Routine::key);
        for (Routine r : b.routines()) {
            Routine old = ar.get(r.key());
            String label = r.kind() + " " + r.name().display() + "(" + r.identityArguments() + ")";
            if (old == null) {
                add(Phase.CREATE_ROUTINE, "+ " + label, Ddl.createRoutine(r), list(Ddl.dropRoutine(r)));
                continue;
            }
            if (!old.definition().equals(r.definition())) {
                if (old.procedure() == r.procedure() && old.arguments().equals(r.arguments()) && old.result().equals(r.result())) {
                    add(Phase.CREATE_ROUTINE, "~ " + label + ": definition changed", list(r.definition().strip()),
                            list(old.definition().strip()));
                } else {
                    recreatedRoutines.add(r.signature());
                    addReviewed(Phase.CREATE_ROUTINE, "~ " + label + ": signature changed (dropped and recreated)",
                            concat(list(Ddl.dropRoutine(old)), Ddl.createRoutine(r)),
                            concat(list(Ddl.dropRoutine(r)), Ddl.createRoutine(old)),
                            "DROP " + old.keyword() + " fails while views, defaults or constraints use it");
                    continue;
                }
            }
            if (!old.comment().equals(r.comment())) {
                String target = r.keyword() + " " + r.signature();
                add(Phase.COMMENT, "~ comment on " + label, list(Ddl.comment(target, r.comment())),
                        list(Ddl.comment(target, old.comment())));
            }
        }
        for (Routine r : a.routines()) {
            if (!br.containsKey(r.key())) {
                add(Phase.DROP_ROUTINE, "- " + r.kind() + " " + r.name().display() + "(" + r.identityArguments() + ")",
                        list(Ddl.dropRoutine(r)), Ddl.createRoutine(r));
            }
        }
    }

    // ------------------------------------------------------------------------------------ tables

    private void tables() {
        Map<QName, Table> bt = index(b.tables(), Table::name);
        Map<QName, Table> at = index(a.tables(), Table::name);
        for (Table t : b.tables()) {
            Table old = at.get(t.name());
            if (old == null) {
                add(Phase.CREATE_TABLE, "+ table " + t.name().display(), Ddl.createTable(t), list("DROP TABLE " + t.name().sql()));
            } else {
                alterTable(old, t);
            }
        }
        for (Table t : a.tables()) {
            if (!bt.containsKey(t.name())) {
                addReviewed(Phase.DROP_TABLE, "- table " + t.name().display(), list("DROP TABLE " + t.name().sql()),
                        Ddl.createTable(t), "drops table " + t.name().display() + " and its data");
            }
        }
    }

    private void alterTable(Table ta, Table tb) {
        QName name = ta.name();
        Set<String> regen = regenerated(name);
        for (Column cb : tb.columns()) {
            Optional<Column> ca = ta.column(cb.name());
            if (ca.isEmpty()) {
                addColumn(name, cb, null);
            } else if (!ca.get().equals(cb)) {
                alterColumn(name, ca.get(), cb);
            }
        }
        for (Column ca : ta.columns()) {
            if (tb.column(ca.name()).isEmpty()) {
                dropColumn(name, ca, null);
            }
        }
        constraints(ta, tb, regen);
        indexes(name, ta.indexes(), tb.indexes(), regen, true);
        if (!ta.comment().equals(tb.comment())) {
            String target = "TABLE " + name.sql();
            add(Phase.COMMENT, "~ comment on table " + name.display(), list(Ddl.comment(target, tb.comment())),
                    list(Ddl.comment(target, ta.comment())));
        }
    }

    private static String col(QName table, String column) {
        return table.display() + "." + column;
    }

    private void addColumn(QName table, Column c, String summary) {
        List<String> up = new ArrayList<>(list(Ddl.alterTable(table, "ADD COLUMN " + c.definition())));
        c.comment().ifPresent(x -> up.add(Ddl.comment("COLUMN " + Ddl.column(table, c.name()), c.comment())));
        List<String> down = list(Ddl.alterTable(table, "DROP COLUMN " + Sql.ident(c.name())));
        String s = summary != null ? summary : "+ column " + col(table, c.name());
        Phase phase = c.generated().isPresent() ? Phase.ADD_GENERATED_COLUMN : Phase.ADD_COLUMN;
        if (c.notNull() && c.defaultExpr().isEmpty() && c.identity().isEmpty() && c.generated().isEmpty()) {
            addReviewed(phase, s, up, down, "NOT NULL column " + col(table, c.name())
                    + " without a default: the upgrade fails if the table has rows");
        } else {
            add(phase, s, up, down);
        }
    }

    private void dropColumn(QName table, Column c, String summary) {
        List<String> up = list(Ddl.alterTable(table, "DROP COLUMN " + Sql.ident(c.name())));
        List<String> down = new ArrayList<>(list(Ddl.alterTable(table, "ADD COLUMN " + c.definition())));
        c.comment().ifPresent(x -> down.add(Ddl.comment("COLUMN " + Ddl.column(table, c.name()), c.comment())));
        String s = summary != null ? summary : "- column " + col(table, c.name());
        if (c.generated().isPresent()) {
            add(Phase.DROP_GENERATED_COLUMN, s, up, down);
        } else {
            addReviewed(Phase.DROP_COLUMN, s, up, down, "drops column " + col(table, c.name()) + " and its data");
        }
    }

    private void alterColumn(QName table, Column ca, Column cb) {
        String label = col(table, ca.name());
        if (!ca.generated().equals(cb.generated())) {
            if (ca.generated().isPresent() && cb.generated().isEmpty()) {
                // Keep the computed values: DROP EXPRESSION turns the column into a plain one.
                Column plain = new Column(ca.name(), ca.type(), ca.notNull(), Optional.empty(), Optional.empty(),
                        Optional.empty(), ca.collation(), ca.comment());
                List<String> up = concat(list(Ddl.alterTable(table, "ALTER COLUMN " + Sql.ident(ca.name()) + " DROP EXPRESSION")),
                        alterColumnSql(table, plain, cb));
                List<String> down = new ArrayList<>(list(Ddl.alterTable(table, "DROP COLUMN " + Sql.ident(ca.name())),
                        Ddl.alterTable(table, "ADD COLUMN " + ca.definition())));
                ca.comment().ifPresent(x -> down.add(Ddl.comment("COLUMN " + Ddl.column(table, ca.name()), ca.comment())));
                add(Phase.ALTER_COLUMN, "~ column " + label + ": no longer generated", up, down);
                return;
            }
            String what = ca.generated().isPresent() ? "generated expression " + ca.generated().get() + " → " + cb.generated().get()
                    : "becomes generated";
            dropColumn(table, ca, "~ column " + label + ": " + what + " (dropped and added back)");
            if (ca.generated().isEmpty()) {
                Change last = out.remove(out.size() - 1);
                out.add(last.withReview("column " + label + " becomes generated: its stored values are replaced"));
            }
            addColumn(table, cb, "");
            return;
        }
        List<String> up = alterColumnSql(table, ca, cb);
        List<String> down = alterColumnSql(table, cb, ca);
        if (!up.isEmpty()) {
            List<String> what = new ArrayList<>();
            if (!ca.type().equals(cb.type()) || !ca.collation().equals(cb.collation())) {
                what.add("type " + typeLabel(ca) + " → " + typeLabel(cb));
            }
            if (ca.notNull() != cb.notNull()) {
                what.add(ca.notNull() ? "not null → nullable" : "nullable → not null");
            }
            if (!ca.defaultExpr().equals(cb.defaultExpr())) {
                what.add("default " + ca.defaultExpr().orElse("none") + " → " + cb.defaultExpr().orElse("none"));
            }
            if (!ca.identity().equals(cb.identity())) {
                what.add("identity " + ca.identity().map(Object::toString).orElse("none") + " → "
                        + cb.identity().map(Object::toString).orElse("none"));
            }
            String summary = "~ column " + label + ": " + String.join(", ", what);
            if (!ca.type().equals(cb.type())) {
                addReviewed(Phase.ALTER_COLUMN, summary, up, down, "changes the type of " + label
                        + " (rewrites the table under an ACCESS EXCLUSIVE lock; fails if a value does not convert)");
            } else if (cb.notNull() && !ca.notNull()) {
                addReviewed(Phase.ALTER_COLUMN, summary, up, down, "SET NOT NULL on " + label
                        + " scans the table and fails if it holds NULLs");
            } else {
                add(Phase.ALTER_COLUMN, summary, up, down);
            }
        }
        if (!ca.comment().equals(cb.comment())) {
            String target = "COLUMN " + Ddl.column(table, ca.name());
            add(Phase.COMMENT, "~ comment on column " + label, list(Ddl.comment(target, cb.comment())),
                    list(Ddl.comment(target, ca.comment())));
        }
    }

    private static final Set<String> STRING_TYPES = Set.of("text", "character varying", "character", "name");
    private static final Set<String> NUMERIC_TYPES = Set.of("smallint", "integer", "bigint", "numeric", "real",
            "double precision");
    private static final Set<String> DATE_TYPES = Set.of("date", "timestamp without time zone", "timestamp with time zone");
    private static final Set<String> TIME_TYPES = Set.of("time without time zone", "time with time zone");

    /**
     * Whether PostgreSQL casts {@code from} to {@code to} directly (both as format_type spells them, array or not
     * alike): the same type with another modifier; to or from a string type (I/O conversion, which every type has);
     * between numeric types; between date and timestamps; between the times; from a timestamp to a time (to a time
     * with time zone only from a timestamp with one); integer and boolean. Any other pair (a timestamp to bigint, an
     * enum to integer, boolean to a date, ...) has no cast and converts through text. Every pair of 20 built-in
     * types this calls direct was converted on an empty column of PostgreSQL 15.
     */
    static boolean castsDirectly(String from, String to) {
        boolean fromArray = from.endsWith("[]");
        if (fromArray != to.endsWith("[]")) {
            return false;
        }
        String f = baseType(from);
        String t = baseType(to);
        return f.equals(t) || STRING_TYPES.contains(f) || STRING_TYPES.contains(t)
                || NUMERIC_TYPES.contains(f) && NUMERIC_TYPES.contains(t)
                || DATE_TYPES.contains(f) && DATE_TYPES.contains(t)
                || TIME_TYPES.contains(f) && TIME_TYPES.contains(t)
                || f.startsWith("timestamp") && t.equals("time without time zone")
                || f.equals("timestamp with time zone") && t.equals("time with time zone")
                || f.equals("integer") && t.equals("boolean") || f.equals("boolean") && t.equals("integer");
    }

    /** {@code character varying(40)[]} → {@code character varying}: no array brackets, no type modifier. */
    private static String baseType(String type) {
        String t = type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
        int open = t.indexOf('(');
        if (open < 0) {
            return t;
        }
        // "timestamp(3) with time zone" keeps its words after the modifier
        return (t.substring(0, open) + t.substring(t.indexOf(')', open) + 1)).strip();
    }

    /** The type as people write it: {@code varchar(320)}, {@code timestamptz} (summary only; SQL keeps format_type's spelling). */
    static String typeLabel(Column c) {
        String t = c.type().replace("character varying", "varchar").replace("timestamp with time zone", "timestamptz")
                .replace("timestamp without time zone", "timestamp").replace("time with time zone", "timetz")
                .replace("time without time zone", "time");
        return t + c.collation().map(x -> " COLLATE " + x).orElse("");
    }

    /**
     * The statements taking column {@code from} to {@code to}; both plain or identity, never generated. A type
     * change converts with a direct cast where PostgreSQL has one ({@link #castsDirectly}), else through text.
     */
    static List<String> alterColumnSql(QName table, Column from, Column to) {
        List<String> sql = new ArrayList<>();
        String col = "ALTER COLUMN " + Sql.ident(from.name());
        boolean typeChange = !from.type().equals(to.type()) || !from.collation().equals(to.collation());
        if (from.identity().isPresent() && to.identity().isEmpty()) {
            sql.add(Ddl.alterTable(table, col + " DROP IDENTITY"));
        }
        boolean defaultChange = !from.defaultExpr().equals(to.defaultExpr());
        if (from.defaultExpr().isPresent() && (typeChange || defaultChange)) {
            sql.add(Ddl.alterTable(table, col + " DROP DEFAULT"));
        }
        if (typeChange) {
            sql.add(Ddl.alterTable(table, col + " TYPE " + to.type() + to.collation().map(x -> " COLLATE " + x).orElse("")
                    + " USING " + Sql.ident(from.name()) + (castsDirectly(from.type(), to.type()) ? ""
                            : from.type().endsWith("[]") && to.type().endsWith("[]") ? "::text[]" : "::text") + "::" + to.type()));
        }
        if (from.notNull() != to.notNull()) {
            sql.add(Ddl.alterTable(table, col + (to.notNull() ? " SET NOT NULL" : " DROP NOT NULL")));
        }
        if (to.defaultExpr().isPresent() && (typeChange || defaultChange)) {
            sql.add(Ddl.alterTable(table, col + " SET DEFAULT " + to.defaultExpr().get()));
        }
        if (from.identity().isEmpty() && to.identity().isPresent()) {
            sql.add(Ddl.alterTable(table, col + " ADD GENERATED " + to.identity().get().kind() + " AS IDENTITY ("
                    + to.identity().get().sequenceOptions() + ")"));
        } else if (from.identity().isPresent() && to.identity().isPresent()) {
            var fi = from.identity().get();
            var ti = to.identity().get();
            List<String> sets = new ArrayList<>();
            if (fi.always() != ti.always()) {
                sets.add("SET GENERATED " + ti.kind());
            }
            if (!fi.sameSequence(ti)) {
                sets.add("SET INCREMENT BY " + ti.increment() + " SET MINVALUE " + ti.min() + " SET MAXVALUE " + ti.max()
                        + " SET START WITH " + ti.start() + " SET CACHE " + ti.cache() + (ti.cycle() ? " SET CYCLE" : " SET NO CYCLE"));
            }
            if (!sets.isEmpty()) {
                sql.add(Ddl.alterTable(table, col + " " + String.join(" ", sets)));
            }
        }
        return sql;
    }

    // --------------------------------------------------------------------- constraints & indexes

    private void constraints(Table ta, Table tb, Set<String> regen) {
        QName name = ta.name();
        List<Constraint> dropped = new ArrayList<>();
        List<Constraint> created = new ArrayList<>();
        for (Constraint cb : tb.constraints()) {
            if (cb.isForeignKey()) {
                continue;
            }
            Optional<Constraint> ca = ta.constraint(cb.name());
            if (ca.isEmpty()) {
                created.add(cb);
            } else if (!ca.get().sameShape(cb) || ca.get().isForeignKey() || usesAny(cb.columns(), regen)) {
                dropped.add(ca.get());
                created.add(cb);
            } else if (!ca.get().comment().equals(cb.comment())) {
                add(Phase.COMMENT, "~ comment on constraint " + cb.name() + " on " + name.display(),
                        list(Ddl.constraintComment(name, cb.name(), cb.comment())),
                        list(Ddl.constraintComment(name, cb.name(), ca.get().comment())));
            }
        }
        for (Constraint ca : ta.constraints()) {
            if (!ca.isForeignKey() && tb.constraint(ca.name()).isEmpty()) {
                dropped.add(ca);
            }
        }
        // Same constraint under another name: rename instead of dropping and adding.
        for (Constraint d : List.copyOf(dropped)) {
            if (tb.constraint(d.name()).isPresent() || usesAny(d.columns(), regen)) {
                continue;
            }
            Optional<Constraint> twin = created.stream()
                    .filter(c -> ta.constraint(c.name()).isEmpty() && c.sameShape(d)).findFirst();
            if (twin.isPresent()) {
                dropped.remove(d);
                created.remove(twin.get());
                renameConstraint(name, d, twin.get(), Phase.DROP_INDEX_OR_CONSTRAINT);
            }
        }
        for (Constraint d : dropped) {
            add(Phase.DROP_INDEX_OR_CONSTRAINT, "- " + d.kind().label() + " " + d.name() + " on " + name.display(),
                    list(Ddl.dropConstraint(name, d.name())), addConstraintSql(name, d, false));
        }
        for (Constraint c : created) {
            boolean existed = ta.constraint(c.name()).isPresent();
            String summary = (existed ? "~ " : "+ ") + c.kind().label() + " " + c.name() + " on " + name.display()
                    + (existed ? ": " + c.definition() : "");
            if (c.kind() == Constraint.Kind.CHECK && c.validated()) {
                // Safe form on an existing table: add NOT VALID now, validate outside the transaction.
                add(Phase.CREATE_INDEX_OR_CONSTRAINT, summary, addConstraintSql(name, c, true),
                        list(Ddl.dropConstraint(name, c.name())));
                add(Part.CONCURRENT, Phase.VALIDATE_CONSTRAINT, "", list(Ddl.alterTable(name,
                        "VALIDATE CONSTRAINT " + Sql.ident(c.name()))), list());
            } else {
                add(Phase.CREATE_INDEX_OR_CONSTRAINT, summary, addConstraintSql(name, c, false),
                        list(Ddl.dropConstraint(name, c.name())));
            }
        }
    }

    private void renameConstraint(QName table, Constraint from, Constraint to, Phase phase) {
        List<String> up = new ArrayList<>(list(Ddl.alterTable(table, "RENAME CONSTRAINT " + Sql.ident(from.name())
                + " TO " + Sql.ident(to.name()))));
        List<String> down = new ArrayList<>(list(Ddl.alterTable(table, "RENAME CONSTRAINT " + Sql.ident(to.name())
                + " TO " + Sql.ident(from.name()))));
        if (!from.comment().equals(to.comment())) {
            up.add(Ddl.constraintComment(table, to.name(), to.comment()));
            down.add(0, Ddl.constraintComment(table, to.name(), from.comment()));
        }
        add(phase, "~ " + from.kind().label() + " " + from.name() + " on " + table.display() + " renamed to " + to.name(),
                up, down);
    }

    /** ADD CONSTRAINT as the catalog has it, or NOT VALID when {@code forceNotValid}; plus its comment. */
    private static List<String> addConstraintSql(QName table, Constraint c, boolean forceNotValid) {
        List<String> sql = new ArrayList<>(list(Ddl.addConstraint(table, c, forceNotValid || !c.validated())));
        c.comment().ifPresent(x -> sql.add(Ddl.constraintComment(table, c.name(), c.comment())));
        return sql;
    }

    /**
     * Index changes of one relation present on both sides. New indexes on an existing relation are
     * built CONCURRENTLY in the non-transactional part unless a new foreign key needs them at once.
     */
    private void indexes(QName rel, List<Index> ia, List<Index> ib, Set<String> regen, boolean isTable) {
        Map<String, Index> am = index(ia, Index::name);
        Map<String, Index> bm = index(ib, Index::name);
        List<Index> dropped = new ArrayList<>();
        List<Index> created = new ArrayList<>();
        for (Index i : ib) {
            Index old = am.get(i.name());
            if (old == null) {
                created.add(i);
            } else if (!old.definition().equals(i.definition()) || !old.valid() || usesAny(i.columns(), regen)) {
                dropped.add(old);
                created.add(i);
            } else if (!old.comment().equals(i.comment())) {
                String target = "INDEX " + Ddl.indexName(rel, i).sql();
                add(Phase.COMMENT, "~ comment on index " + i.name(), list(Ddl.comment(target, i.comment())),
                        list(Ddl.comment(target, old.comment())));
            }
        }
        for (Index i : ia) {
            if (!bm.containsKey(i.name())) {
                dropped.add(i);
            }
        }
        for (Index d : List.copyOf(dropped)) {
            if (bm.containsKey(d.name()) || !d.valid() || usesAny(d.columns(), regen)) {
                continue;
            }
            Optional<Index> twin = created.stream().filter(c -> !am.containsKey(c.name()) && c.body().equals(d.body())).findFirst();
            if (twin.isPresent()) {
                dropped.remove(d);
                created.remove(twin.get());
                QName from = Ddl.indexName(rel, d);
                List<String> up = new ArrayList<>(list("ALTER INDEX " + from.sql() + " RENAME TO " + Sql.ident(twin.get().name())));
                List<String> down = new ArrayList<>(list("ALTER INDEX " + Ddl.indexName(rel, twin.get()).sql() + " RENAME TO "
                        + Sql.ident(d.name())));
                if (!d.comment().equals(twin.get().comment())) {
                    String target = "INDEX " + Ddl.indexName(rel, twin.get()).sql();
                    up.add(Ddl.comment(target, twin.get().comment()));
                    down.add(0, Ddl.comment(target, d.comment()));
                }
                add(Phase.DROP_INDEX_OR_CONSTRAINT, "~ index " + d.name() + " on " + rel.display() + " renamed to "
                        + twin.get().name(), up, down);
            }
        }
        for (Index d : dropped) {
            add(Phase.DROP_INDEX_OR_CONSTRAINT, "- index " + d.name() + " on " + rel.display(),
                    list(Ddl.dropIndex(rel, d, false)), Ddl.createIndex(rel, d, false));
        }
        for (Index c : created) {
            String summary = (am.containsKey(c.name()) ? "~ index " : "+ index ") + c.name() + " on " + rel.display();
            if (isTable && neededByNewForeignKey(rel, c)) {
                add(Phase.CREATE_INDEX_OR_CONSTRAINT, summary, Ddl.createIndex(rel, c, false), list(Ddl.dropIndex(rel, c, false)));
            } else {
                add(Part.CONCURRENT, Phase.CREATE_INDEX_CONCURRENTLY, summary, Ddl.createIndex(rel, c, true),
                        list(Ddl.dropIndex(rel, c, true)));
            }
        }
    }

    private boolean neededByNewForeignKey(QName table, Index i) {
        if (!i.unique() || i.predicate().isPresent()) {
            return false;
        }
        Set<String> keys = new HashSet<>(i.keys());
        for (Table t : b.tables()) {
            for (Constraint c : t.constraints()) {
                if (c.foreignKey().isPresent() && c.foreignKey().get().refTable().equals(table)
                        && new HashSet<>(c.foreignKey().get().refColumns()).equals(keys)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------ foreign keys

    private record FkKey(QName table, String name) {}

    private void foreignKeys() {
        Map<FkKey, Constraint> af = new LinkedHashMap<>();
        Map<FkKey, Constraint> bf = new LinkedHashMap<>();
        a.tables().forEach(t -> t.constraints().stream().filter(Constraint::isForeignKey)
                .forEach(c -> af.put(new FkKey(t.name(), c.name()), c)));
        b.tables().forEach(t -> t.constraints().stream().filter(Constraint::isForeignKey)
                .forEach(c -> bf.put(new FkKey(t.name(), c.name()), c)));
        Set<QName> existing = new HashSet<>();
        a.tables().forEach(t -> existing.add(t.name()));

        List<Map.Entry<FkKey, Constraint>> dropped = new ArrayList<>();
        List<Map.Entry<FkKey, Constraint>> created = new ArrayList<>();
        for (var e : bf.entrySet()) {
            Constraint old = af.get(e.getKey());
            if (old == null) {
                created.add(e);
            } else if (!old.sameShape(e.getValue()) || fkTouched(e.getKey().table(), old)) {
                dropped.add(Map.entry(e.getKey(), old));
                created.add(e);
            } else if (!old.comment().equals(e.getValue().comment())) {
                add(Phase.COMMENT, "~ comment on foreign key " + e.getKey().name() + " on " + e.getKey().table().display(),
                        list(Ddl.constraintComment(e.getKey().table(), e.getKey().name(), e.getValue().comment())),
                        list(Ddl.constraintComment(e.getKey().table(), e.getKey().name(), old.comment())));
            }
        }
        for (var e : af.entrySet()) {
            if (!bf.containsKey(e.getKey())) {
                dropped.add(e);
            }
        }
        for (var d : List.copyOf(dropped)) {
            FkKey k = d.getKey();
            if (bf.containsKey(k) || !b.table(k.table()).isPresent() || fkTouched(k.table(), d.getValue())) {
                continue;
            }
            var twin = created.stream().filter(c -> c.getKey().table().equals(k.table()) && !af.containsKey(c.getKey())
                    && c.getValue().sameShape(d.getValue())).findFirst();
            if (twin.isPresent()) {
                dropped.remove(d);
                created.remove(twin.get());
                renameConstraint(k.table(), d.getValue(), twin.get().getValue(), Phase.DROP_FOREIGN_KEY);
            }
        }
        for (var d : dropped) {
            add(Phase.DROP_FOREIGN_KEY, "- foreign key " + d.getKey().name() + " on " + d.getKey().table().display(),
                    list(Ddl.dropConstraint(d.getKey().table(), d.getKey().name())),
                    addConstraintSql(d.getKey().table(), d.getValue(), false));
        }
        for (var c : created) {
            QName table = c.getKey().table();
            Constraint fk = c.getValue();
            String summary = (af.containsKey(c.getKey()) ? "~ foreign key " : "+ foreign key ") + fk.name() + " on "
                    + table.display() + " → " + fk.foreignKey().map(ForeignKey::refTable).map(QName::display).orElse("?");
            if (existing.contains(table) && fk.validated()) {
                add(Phase.CREATE_FOREIGN_KEY, summary, addConstraintSql(table, fk, true), list(Ddl.dropConstraint(table, fk.name())));
                add(Part.CONCURRENT, Phase.VALIDATE_CONSTRAINT, "", list(Ddl.alterTable(table,
                        "VALIDATE CONSTRAINT " + Sql.ident(fk.name()))), list());
            } else {
                add(Phase.CREATE_FOREIGN_KEY, summary, addConstraintSql(table, fk, false), list(Ddl.dropConstraint(table, fk.name())));
            }
        }
    }

    /** A foreign key that survives unchanged but must be dropped and re-added around a change it depends on. */
    private boolean fkTouched(QName table, Constraint fk) {
        ForeignKey f = fk.foreignKey().orElseThrow();
        if (usesAny(fk.columns(), regenerated(table)) || usesAny(fk.columns(), retyped(table))) {
            return true;
        }
        QName ref = f.refTable();
        return uniqueChanged.contains(ref) || usesAny(f.refColumns(), regenerated(ref)) || usesAny(f.refColumns(), retyped(ref));
    }

    // ------------------------------------------------------------------------------------- views

    private void views() {
        Map<QName, View> bv = index(b.views(), View::name);
        Map<QName, View> av = index(a.views(), View::name);
        Set<QName> dropped = new HashSet<>();
        for (View v : a.views()) {
            View nv = bv.get(v.name());
            if (nv == null) {
                dropped.add(v.name());
            } else if (!sameViewShape(v, nv) || v.dependsOn().stream().anyMatch(viewTouchedTables::contains)) {
                recreatedViews.add(v.name());
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (View v : a.views()) {
                if (bv.containsKey(v.name()) && !recreatedViews.contains(v.name()) && v.dependsOn().stream()
                        .anyMatch(d -> recreatedViews.contains(d) || dropped.contains(d))) {
                    recreatedViews.add(v.name());
                    grew = true;
                }
            }
        }
        List<View> aOrder = topological(a.views());
        for (int i = aOrder.size() - 1; i >= 0; i--) {
            View v = aOrder.get(i);
            if (dropped.contains(v.name())) {
                add(Phase.DROP_VIEW, "- " + v.kind() + " " + v.name().display(), list(Ddl.dropView(v)), Ddl.createView(v));
            } else if (recreatedViews.contains(v.name())) {
                View nv = bv.get(v.name());
                String why = sameViewShape(v, nv) ? "recreated around changes to what it reads" : "definition changed";
                add(Phase.DROP_VIEW, "~ " + v.kind() + " " + v.name().display() + ": " + why, list(Ddl.dropView(v)),
                        Ddl.createView(v));
            }
        }
        for (View v : topological(b.views())) {
            View old = av.get(v.name());
            if (old == null) {
                add(Phase.CREATE_VIEW, "+ " + v.kind() + " " + v.name().display(), Ddl.createView(v), list(Ddl.dropView(v)));
            } else if (recreatedViews.contains(v.name())) {
                add(Phase.CREATE_VIEW, "", Ddl.createView(v), list(Ddl.dropView(v)));
            } else {
                if (v.materialized()) {
                    indexes(v.name(), old.indexes(), v.indexes(), Set.of(), false);
                }
                viewComments(old, v);
            }
        }
    }

    private static boolean sameViewShape(View x, View y) {
        return x.materialized() == y.materialized() && x.definition().equals(y.definition()) && x.options().equals(y.options());
    }

    private void viewComments(View old, View v) {
        String target = v.keyword() + " " + v.name().sql();
        if (!old.comment().equals(v.comment())) {
            add(Phase.COMMENT, "~ comment on " + v.kind() + " " + v.name().display(), list(Ddl.comment(target, v.comment())),
                    list(Ddl.comment(target, old.comment())));
        }
        Set<String> cols = new TreeSet<>(old.columnComments().keySet());
        cols.addAll(v.columnComments().keySet());
        for (String c : cols) {
            Optional<String> was = Optional.ofNullable(old.columnComments().get(c));
            Optional<String> now = Optional.ofNullable(v.columnComments().get(c));
            if (!was.equals(now)) {
                String t = "COLUMN " + Ddl.column(v.name(), c);
                add(Phase.COMMENT, "~ comment on column " + col(v.name(), c), list(Ddl.comment(t, now)), list(Ddl.comment(t, was)));
            }
        }
    }

    /** Views ordered so that every view comes after the views it reads; ties by name. */
    static List<View> topological(List<View> views) {
        Map<QName, View> byName = index(views, View::name);
        List<View> order = new ArrayList<>();
        Set<QName> done = new HashSet<>();
        Set<QName> visiting = new HashSet<>();
        for (View v : views) {
            visit(v, byName, done, visiting, order);
        }
        return order;
    }

    private static void visit(View v, Map<QName, View> byName, Set<QName> done, Set<QName> visiting, List<View> order) {
        if (done.contains(v.name()) || !visiting.add(v.name())) {
            return;
        }
        for (QName d : v.dependsOn()) {
            View dep = byName.get(d);
            if (dep != null) {
                visit(dep, byName, done, visiting, order);
            }
        }
        done.add(v.name());
        order.add(v);
    }

    // ---------------------------------------------------------------------------------- triggers

    private void triggers() {
        Map<String, Trigger> bt = index(b.triggers(), Trigger::key);
        Map<String, Trigger> at = index(a.triggers(), Trigger::key);
        for (Trigger t : b.triggers()) {
            Trigger old = at.get(t.key());
            String label = "trigger " + t.name() + " on " + t.table().display();
            if (old == null) {
                add(Phase.CREATE_TRIGGER, "+ " + label, Ddl.createTrigger(t), list(Ddl.dropTrigger(t)));
            } else if (!old.definition().equals(t.definition()) || recreatedViews.contains(t.table())
                    || recreatedRoutines.contains(t.function()) || !Objects.equals(old.function(), t.function())) {
                add(Phase.DROP_TRIGGER, "~ " + label + (old.definition().equals(t.definition()) ? ": recreated" : ": definition changed"),
                        list(Ddl.dropTrigger(old)), Ddl.createTrigger(old));
                add(Phase.CREATE_TRIGGER, "", Ddl.createTrigger(t), list(Ddl.dropTrigger(t)));
            } else {
                if (!old.enabled().equals(t.enabled())) {
                    add(Phase.CREATE_TRIGGER, "~ " + label + ": enabled " + old.enabled() + " → " + t.enabled(),
                            list(Ddl.setTriggerMode(t)), list(Ddl.setTriggerMode(old)));
                }
                if (!old.comment().equals(t.comment())) {
                    add(Phase.COMMENT, "~ comment on " + label, list(Ddl.triggerComment(t, t.comment())),
                            list(Ddl.triggerComment(t, old.comment())));
                }
            }
        }
        for (Trigger t : a.triggers()) {
            if (!bt.containsKey(t.key())) {
                add(Phase.DROP_TRIGGER, "- trigger " + t.name() + " on " + t.table().display(), list(Ddl.dropTrigger(t)),
                        Ddl.createTrigger(t));
            }
        }
    }

    // ------------------------------------------------------------------------------ rename hints

    /** Flags drop + add pairs that may be renames, with the hint that would say so. */
    private void possibleRenames() {
        List<QName> droppedTables = a.tables().stream().map(Table::name).filter(n -> b.table(n).isEmpty()).toList();
        List<QName> addedTables = b.tables().stream().map(Table::name).filter(n -> a.table(n).isEmpty()).toList();
        if (!droppedTables.isEmpty() && !addedTables.isEmpty()) {
            flag(Phase.DROP_TABLE, "table", "tables " + droppedTables.stream().map(QName::display).toList() + " dropped and "
                    + addedTables.stream().map(QName::display).toList() + " added: if one is a rename, say so with --rename "
                    + droppedTables.get(0).display() + "=" + addedTables.get(0).name());
        }
        for (Table tb : b.tables()) {
            Optional<Table> ta = a.table(tb.name());
            if (ta.isEmpty()) {
                continue;
            }
            List<String> gone = ta.get().columns().stream().map(Column::name).filter(c -> tb.column(c).isEmpty()).toList();
            List<String> added = tb.columns().stream().map(Column::name).filter(c -> ta.get().column(c).isEmpty()).toList();
            if (!gone.isEmpty() && !added.isEmpty()) {
                String label = tb.name().display();
                for (int i = 0; i < out.size(); i++) {
                    Change c = out.get(i);
                    if (c.phase() == Phase.DROP_COLUMN && c.summary().startsWith("- column " + label + ".")) {
                        out.set(i, c.withReview("columns " + gone + " dropped and " + added + " added in " + label
                                + ": if one is a rename, say so with --rename " + label + "." + gone.get(0) + "=" + added.get(0)));
                    }
                }
            }
        }
    }

    private void flag(Phase phase, String kind, String why) {
        for (int i = 0; i < out.size(); i++) {
            Change c = out.get(i);
            if (c.phase() == phase && c.summary().startsWith("- " + kind + " ")) {
                out.set(i, c.withReview(why));
            }
        }
    }
}
