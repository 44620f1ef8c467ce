package io.convoy.core.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything Convoy compares of one database's schema, read by {@link CatalogReader}. Immutable and
 * sorted, free of OIDs and of anything that names the database, so that two databases built from
 * the same DDL have equal catalogs ({@link #equals}) and {@link #diffText} shows what differs.
 *
 * @param unsupported objects Convoy sees but does not model (composite and range types, partitioned
 *                    and foreign tables, aggregates, rules, policies, row-level security), one
 *                    description each, so that a difference in them is at least reported
 */
public record Catalog(
        List<Schema> schemas,
        List<Extension> extensions,
        List<EnumType> enums,
        List<Domain> domains,
        List<Sequence> sequences,
        List<Table> tables,
        List<View> views,
        List<Routine> routines,
        List<Trigger> triggers,
        List<String> unsupported) {

    public Catalog {
        schemas = sorted(schemas, Comparator.comparing(Schema::name));
        extensions = sorted(extensions, Comparator.comparing(Extension::name));
        enums = sorted(enums, Comparator.comparing(EnumType::name));
        domains = sorted(domains, Comparator.comparing(Domain::name));
        sequences = sorted(sequences, Comparator.comparing(Sequence::name));
        tables = sorted(tables, Comparator.comparing(Table::name));
        views = sorted(views, Comparator.comparing(View::name));
        routines = sorted(routines, Comparator.comparing(Routine::key));
        triggers = sorted(triggers, Comparator.comparing(Trigger::table).thenComparing(Trigger::name));
        unsupported = sorted(unsupported, Comparator.naturalOrder());
    }

    /**
     * The catalog without domains and unsupported objects: the form of the first catalogs, kept
     * for callers that build catalogs by hand.
     */
    public Catalog(List<Schema> schemas, List<Extension> extensions, List<EnumType> enums, List<Sequence> sequences,
            List<Table> tables, List<View> views, List<Routine> routines, List<Trigger> triggers) {
        this(schemas, extensions, enums, List.of(), sequences, tables, views, routines, triggers, List.of());
    }

    private static <T> List<T> sorted(List<T> items, Comparator<T> order) {
        return items.stream().sorted(order).toList();
    }

    public Optional<Schema> schema(String name) {
        return schemas.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<Table> table(QName name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<View> view(QName name) {
        return views.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    public Optional<EnumType> enumType(QName name) {
        return enums.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public Optional<Domain> domain(QName name) {
        return domains.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public Optional<Sequence> sequence(QName name) {
        return sequences.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public <K> Map<K, Table> tablesBy(Function<Table, K> key) {
        Map<K, Table> m = new java.util.LinkedHashMap<>();
        tables.forEach(t -> m.put(key.apply(t), t));
        return m;
    }

    public boolean isEmpty() {
        return extensions.isEmpty() && enums.isEmpty() && domains.isEmpty() && unsupported.isEmpty() && sequences.isEmpty() && tables.isEmpty() && views.isEmpty()
                && routines.isEmpty() && triggers.isEmpty();
    }

    /** One entry per object and per part of an object, each naming its owner, in catalog order. */
    public List<String> entries() {
        List<String> out = new ArrayList<>();
        for (Schema s : schemas) {
            out.add("schema " + Sql.ident(s.name()) + comment(s.comment()));
        }
        for (Extension e : extensions) {
            out.add("extension " + e.name() + " " + e.version() + " in schema " + Sql.ident(e.schema()));
        }
        for (EnumType e : enums) {
            out.add("enum " + e.name().sql() + " (" + String.join(", ", e.labels().stream().map(Sql::literal).toList())
                    + ")" + comment(e.comment()));
        }
        for (Domain d : domains) {
            out.add("domain " + d.name().sql() + " AS " + d.baseType() + d.collation().map(c -> " COLLATE " + c).orElse("")
                    + d.defaultExpr().map(x -> " DEFAULT " + x).orElse("") + (d.notNull() ? " NOT NULL" : "") + comment(d.comment()));
            for (Constraint c : d.constraints()) {
                out.add("domain " + d.name().sql() + " " + c);
            }
        }
        for (Sequence s : sequences) {
            out.add("sequence " + s.name().sql() + " " + s.options()
                    + s.ownedBy().map(o -> " OWNED BY " + o.sql()).orElse("") + comment(s.comment()));
        }
        for (Table t : tables) {
            String p = "table " + t.name().sql();
            out.add(p + comment(t.comment()));
            for (Column c : t.columnsByName()) {
                out.add(p + " column " + c);
            }
            for (Constraint c : t.constraints()) {
                out.add(p + " " + c);
            }
            for (Index i : t.indexes()) {
                out.add(p + " index " + i);
            }
        }
        for (View v : views) {
            String p = v.kind() + " " + v.name().sql();
            out.add(p + (v.options().isEmpty() ? "" : " WITH (" + String.join(", ", v.options()) + ")")
                    + " depends on " + v.dependsOn() + comment(v.comment()) + " AS\n" + indent(v.definition()));
            v.columnComments().forEach((c, text) -> out.add(p + " column " + Sql.ident(c) + comment(Optional.of(text))));
            for (Index i : v.indexes()) {
                out.add(p + " index " + i);
            }
        }
        for (Routine r : routines) {
            out.add(r.kind() + " " + r.signature() + comment(r.comment()) + "\n" + indent(r.definition().strip()));
        }
        for (String u : unsupported) {
            out.add("not compared: " + u);
        }
        for (Trigger t : triggers) {
            out.add("trigger " + Sql.ident(t.name()) + " on " + t.table().sql() + " enabled=" + t.enabled()
                    + comment(t.comment()) + ": " + t.definition());
        }
        return out;
    }

    /** The whole catalog, readable, one entry per line (definitions indented below their entry). */
    public String describe() {
        return String.join("\n", entries());
    }

    /**
     * What differs between two catalogs: entries only in {@code a} prefixed {@code - }, entries only
     * in {@code b} prefixed {@code + }; empty when the catalogs are equal.
     */
    public static String diffText(Catalog a, Catalog b) {
        Set<String> ea = new LinkedHashSet<>(a.entries());
        Set<String> eb = new LinkedHashSet<>(b.entries());
        StringBuilder sb = new StringBuilder();
        for (String e : ea) {
            if (!eb.contains(e)) {
                sb.append("- ").append(e).append('\n');
            }
        }
        for (String e : eb) {
            if (!ea.contains(e)) {
                sb.append("+ ").append(e).append('\n');
            }
        }
        return sb.toString();
    }

    private static String comment(Optional<String> c) {
        return c.map(s -> " COMMENT " + Sql.literal(s)).orElse("");
    }

    private static String indent(String text) {
        return "    " + text.replace("\n", "\n    ");
    }
}
