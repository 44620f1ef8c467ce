package io.convoy.core.catalog;

import java.util.Comparator;
import java.util.Objects;

/** A schema-qualified object name. */
public record QName(String schema, String name) implements Comparable<QName> {
    private static final Comparator<QName> ORDER = Comparator.comparing(QName::schema).thenComparing(QName::name);

    public QName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    public static QName of(String schema, String name) {
        return new QName(schema, name);
    }

    /** Quoted, schema-qualified SQL form: {@code public.users}, {@code "Billing"."Order"}. */
    public String sql() {
        return Sql.ident(schema) + "." + Sql.ident(name);
    }

    /** For people: the schema is left out when it is {@code public}. */
    public String display() {
        return "public".equals(schema) ? name : schema + "." + name;
    }

    public QName withName(String newName) {
        return new QName(schema, newName);
    }

    @Override
    public int compareTo(QName o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
