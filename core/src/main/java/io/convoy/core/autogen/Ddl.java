package io.convoy.core.autogen;

import io.convoy.core.catalog.Column;
import io.convoy.core.catalog.Constraint;
import io.convoy.core.catalog.Domain;
import io.convoy.core.catalog.EnumType;
import io.convoy.core.catalog.Index;
import io.convoy.core.catalog.QName;
import io.convoy.core.catalog.Routine;
import io.convoy.core.catalog.Sequence;
import io.convoy.core.catalog.Sql;
import io.convoy.core.catalog.Table;
import io.convoy.core.catalog.Trigger;
import io.convoy.core.catalog.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL text of single DDL statements, built from catalog records. */
final class Ddl {
    private Ddl() {}

    static String comment(String target, Optional<String> text) {
        return "COMMENT ON " + target + " IS " + text.map(Sql::literal).orElse("NULL");
    }

    static String alterTable(QName table, String action) {
        return "ALTER TABLE " + table.sql() + " " + action;
    }

    static String column(QName table, String column) {
        return table.sql() + "." + Sql.ident(column);
    }

    static QName indexName(QName table, Index index) {
        return new QName(table.schema(), index.name());
    }

    static List<String> createTable(Table t) {
        List<String> items = new ArrayList<>();
        for (Column c : t.columns()) {
            items.add(c.definition());
        }
        List<String> after = new ArrayList<>();
        for (Constraint c : t.constraints()) {
            if (c.isForeignKey()) {
                continue;
            }
            if (c.validated()) {
                items.add("CONSTRAINT " + Sql.ident(c.name()) + " " + c.definition());
            } else {
                after.add(addConstraint(t.name(), c, true));
            }
        }
        List<String> out = new ArrayList<>();
        out.add("CREATE TABLE " + t.name().sql() + " (\n    " + String.join(",\n    ", items) + "\n)");
        out.addAll(after);
        t.comment().ifPresent(x -> out.add(comment("TABLE " + t.name().sql(), t.comment())));
        for (Column c : t.columns()) {
            c.comment().ifPresent(x -> out.add(comment("COLUMN " + column(t.name(), c.name()), c.comment())));
        }
        for (Constraint c : t.constraints()) {
            if (!c.isForeignKey() && c.comment().isPresent()) {
                out.add(constraintComment(t.name(), c.name(), c.comment()));
            }
        }
        for (Index i : t.indexes()) {
            out.addAll(createIndex(t.name(), i, false));
        }
        return out;
    }

    static String constraintComment(QName table, String name, Optional<String> text) {
        return comment("CONSTRAINT " + Sql.ident(name) + " ON " + table.sql(), text);
    }

    static String addConstraint(QName table, Constraint c, boolean notValid) {
        return alterTable(table, "ADD CONSTRAINT " + Sql.ident(c.name()) + " " + c.definition() + (notValid ? " NOT VALID" : ""));
    }

    static String dropConstraint(QName table, String name) {
        return alterTable(table, "DROP CONSTRAINT " + Sql.ident(name));
    }

    /** CREATE INDEX (or CONCURRENTLY) plus its comment. */
    static List<String> createIndex(QName table, Index i, boolean concurrently) {
        List<String> out = new ArrayList<>();
        out.add(concurrently ? i.concurrentDefinition() : i.definition());
        i.comment().ifPresent(x -> out.add(comment("INDEX " + indexName(table, i).sql(), i.comment())));
        return out;
    }

    static String dropIndex(QName table, Index i, boolean concurrently) {
        return "DROP INDEX " + (concurrently ? "CONCURRENTLY " : "") + indexName(table, i).sql();
    }

    static List<String> createView(View v) {
        List<String> out = new ArrayList<>();
        String with = v.options().isEmpty() ? "" : " WITH (" + String.join(", ", v.options()) + ")";
        out.add("CREATE " + v.keyword() + " " + v.name().sql() + with + " AS\n" + v.definition()
                + (v.materialized() ? "\nWITH DATA" : ""));
        v.comment().ifPresent(x -> out.add(comment(v.keyword() + " " + v.name().sql(), v.comment())));
        v.columnComments().forEach((c, text) -> out.add(comment("COLUMN " + column(v.name(), c), Optional.of(text))));
        for (Index i : v.indexes()) {
            out.addAll(createIndex(v.name(), i, false));
        }
        return out;
    }

    static String dropView(View v) {
        return "DROP " + v.keyword() + " " + v.name().sql();
    }

    static List<String> createSequence(Sequence s) {
        List<String> out = new ArrayList<>();
        out.add("CREATE SEQUENCE " + s.name().sql() + " " + s.options());
        s.comment().ifPresent(x -> out.add(comment("SEQUENCE " + s.name().sql(), s.comment())));
        return out;
    }

    static List<String> createEnum(EnumType e) {
        List<String> out = new ArrayList<>();
        out.add("CREATE TYPE " + e.name().sql() + " AS ENUM (" + String.join(", ", e.labels().stream().map(Sql::literal).toList()) + ")");
        e.comment().ifPresent(x -> out.add(comment("TYPE " + e.name().sql(), e.comment())));
        return out;
    }

    static List<String> createDomain(Domain d) {
        StringBuilder sb = new StringBuilder("CREATE DOMAIN " + d.name().sql() + " AS " + d.baseType());
        d.collation().ifPresent(c -> sb.append(" COLLATE ").append(c));
        d.defaultExpr().ifPresent(x -> sb.append(" DEFAULT ").append(x));
        if (d.notNull()) {
            sb.append(" NOT NULL");
        }
        List<String> out = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (Constraint c : d.constraints()) {
            if (c.validated()) {
                sb.append(" CONSTRAINT ").append(Sql.ident(c.name())).append(' ').append(c.definition());
            } else {
                after.add("ALTER DOMAIN " + d.name().sql() + " ADD CONSTRAINT " + Sql.ident(c.name()) + " " + c.definition() + " NOT VALID");
            }
        }
        out.add(sb.toString());
        out.addAll(after);
        d.comment().ifPresent(x -> out.add(comment("DOMAIN " + d.name().sql(), d.comment())));
        for (Constraint c : d.constraints()) {
            c.comment().ifPresent(x -> out.add(domainConstraintComment(d, c.name(), c.comment())));
        }
        return out;
    }

    static String domainConstraintComment(Domain d, String constraint, Optional<String> text) {
        return comment("CONSTRAINT " + Sql.ident(constraint) + " ON DOMAIN " + d.name().sql(), text);
    }

    static List<String> createRoutine(Routine r) {
        List<String> out = new ArrayList<>();
        out.add(r.definition().strip());
        r.comment().ifPresent(x -> out.add(comment(r.keyword() + " " + r.signature(), r.comment())));
        return out;
    }

    static String dropRoutine(Routine r) {
        return "DROP " + r.keyword() + " " + r.signature();
    }

    static List<String> createTrigger(Trigger t) {
        List<String> out = new ArrayList<>();
        out.add(t.definition());
        enableTrigger(t).ifPresent(out::add);
        t.comment().ifPresent(x -> out.add(triggerComment(t, t.comment())));
        return out;
    }

    static String triggerComment(Trigger t, Optional<String> text) {
        return comment("TRIGGER " + Sql.ident(t.name()) + " ON " + t.table().sql(), text);
    }

    /** The ALTER TABLE that sets a trigger's firing mode; empty for the default (enabled, origin). */
    static Optional<String> enableTrigger(Trigger t) {
        String mode = switch (t.enabled()) {
            case "D" -> "DISABLE TRIGGER ";
            case "R" -> "ENABLE REPLICA TRIGGER ";
            case "A" -> "ENABLE ALWAYS TRIGGER ";
            default -> null;
        };
        return mode == null ? Optional.empty() : Optional.of(alterTable(t.table(), mode + Sql.ident(t.name())));
    }

    static String setTriggerMode(Trigger t) {
        return enableTrigger(t).orElse(alterTable(t.table(), "ENABLE TRIGGER " + Sql.ident(t.name())));
    }

    static String dropTrigger(Trigger t) {
        return "DROP TRIGGER " + Sql.ident(t.name()) + " ON " + t.table().sql();
    }
}
