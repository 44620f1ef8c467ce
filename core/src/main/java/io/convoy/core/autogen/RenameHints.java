package io.convoy.core.autogen;

import io.convoy.core.catalog.Catalog;
import io.convoy.core.catalog.QName;
import io.convoy.core.catalog.Sequence;
import io.convoy.core.catalog.Sql;
import io.convoy.core.catalog.Table;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Renames a catalog comparison cannot see: a table or column that disappears while another
 * appears looks like a drop plus an add. A hint says it is a rename, so the data stays.
 *
 * <p>Syntax: {@code old=new} renames a table ({@code schema.old=new} outside {@code public});
 * {@code table.old=new} renames a column ({@code schema.table.old=new}). When {@code a.b=c} could
 * mean either, it names a column when a table {@code a} exists in {@code public} (before or after),
 * and table {@code b} of schema {@code a} otherwise.
 */
public final class RenameHints {
    private static final Pattern SPEC = Pattern.compile("[^=\\s]+=[^=.\\s]+");

    private final List<String> specs;

    private RenameHints(List<String> specs) {
        this.specs = List.copyOf(specs);
    }

    public static RenameHints none() {
        return new RenameHints(List.of());
    }

    /** Parses {@code --rename} values; MIG020 for one that is not {@code a=b}, {@code a.b=c} or {@code a.b.c=d}. */
    public static RenameHints parse(List<String> specs) {
        for (String s : specs) {
            if (!SPEC.matcher(s).matches() || s.substring(0, s.indexOf('=')).split("\\.", -1).length > 3
                    || s.substring(0, s.indexOf('=')).contains("..")) {
                throw new ConvoyException(ErrorCode.MIG020, "rename hint '" + s
                        + "' is malformed: use old=new for a table, table.old=new for a column");
            }
        }
        return new RenameHints(specs);
    }

    public boolean isEmpty() {
        return specs.isEmpty();
    }

    public List<String> specs() {
        return specs;
    }

    /**
     * The rename changes, checked against both catalogs: the old name must exist in
     * {@code current} and the new one only in {@code desired}. Serial sequences named after the
     * renamed table or column follow when {@code desired} has them under the new name.
     */
    public List<Change> changes(Catalog current, Catalog desired) {
        List<Change> out = new ArrayList<>();
        List<TableRename> tables = new ArrayList<>();
        List<String[]> columnSpecs = new ArrayList<>();
        for (String spec : specs) {
            String left = spec.substring(0, spec.indexOf('='));
            String to = spec.substring(spec.indexOf('=') + 1);
            String[] parts = left.split("\\.");
            if (parts.length == 3) {
                columnSpecs.add(new String[] {spec, parts[0], parts[1], parts[2], to});
            } else if (parts.length == 2 && isColumnOf(current, desired, parts[0])) {
                columnSpecs.add(new String[] {spec, "public", parts[0], parts[1], to});
            } else if (parts.length == 2) {
                tables.add(tableRename(spec, current, desired, new QName(parts[0], parts[1]), to));
            } else {
                tables.add(tableRename(spec, current, desired, findTable(spec, current, parts[0]), to));
            }
        }
        for (TableRename r : tables) {
            out.add(change("~ table " + r.from().display() + " renamed to " + r.to().name(),
                    "ALTER TABLE " + r.from().sql() + " RENAME TO " + Sql.ident(r.to().name()),
                    "ALTER TABLE " + r.to().sql() + " RENAME TO " + Sql.ident(r.from().name())));
            String prefix = r.from().name() + "_";
            renameOwnedSequences(out, current, desired, r.from(), prefix, r.to().name() + "_");
        }
        for (String[] c : columnSpecs) {
            String spec = c[0];
            QName given = new QName(c[1], c[2]);
            // The column's table, by its current name (the hint may use the old or the new one).
            QName currentTable = tables.stream().filter(t -> t.to().equals(given)).map(TableRename::from).findFirst().orElse(given);
            QName newTable = tables.stream().filter(t -> t.from().equals(currentTable)).map(TableRename::to).findFirst()
                    .orElse(currentTable);
            Table ta = current.table(currentTable).orElseThrow(() -> bad(spec, "table " + currentTable.display()
                    + " is not in the current schema"));
            String from = c[3];
            String to = c[4];
            if (ta.column(from).isEmpty()) {
                throw bad(spec, "column " + from + " is not in " + currentTable.display() + " in the current schema");
            }
            if (ta.column(to).isPresent()) {
                throw bad(spec, "column " + to + " already exists in " + currentTable.display());
            }
            Table tb = desired.table(newTable).orElseThrow(() -> bad(spec, "table " + newTable.display()
                    + " is not in the desired schema"));
            if (tb.column(to).isEmpty()) {
                throw bad(spec, "column " + to + " is not in " + newTable.display() + " in the desired schema");
            }
            out.add(change("~ column " + newTable.display() + "." + from + " renamed to " + to,
                    "ALTER TABLE " + newTable.sql() + " RENAME COLUMN " + Sql.ident(from) + " TO " + Sql.ident(to),
                    "ALTER TABLE " + newTable.sql() + " RENAME COLUMN " + Sql.ident(to) + " TO " + Sql.ident(from)));
            renameOwnedSequences(out, current, desired, currentTable, newTable.name() + "_" + from + "_",
                    newTable.name() + "_" + to + "_");
        }
        return out;
    }

    private record TableRename(QName from, QName to) {}

    /** {@code a.b=c} names a column when a table {@code a} exists in {@code public} on either side. */
    private static boolean isColumnOf(Catalog current, Catalog desired, String table) {
        QName q = new QName("public", table);
        return current.table(q).isPresent() || desired.table(q).isPresent();
    }

    private static QName findTable(String spec, Catalog current, String name) {
        List<QName> found = current.tables().stream().map(Table::name).filter(n -> n.name().equals(name)).toList();
        if (found.isEmpty()) {
            throw bad(spec, "table " + name + " is not in the current schema");
        }
        if (found.size() > 1) {
            throw bad(spec, "table " + name + " exists in several schemas " + found + ": qualify it as schema." + name);
        }
        return found.get(0);
    }

    private static TableRename tableRename(String spec, Catalog current, Catalog desired, QName from, String to) {
        QName target = from.withName(to);
        if (current.table(from).isEmpty()) {
            throw bad(spec, "table " + from.display() + " is not in the current schema");
        }
        if (current.table(target).isPresent() || current.view(target).isPresent()) {
            throw bad(spec, target.display() + " already exists in the current schema");
        }
        if (desired.table(target).isEmpty()) {
            throw bad(spec, "table " + target.display() + " is not in the desired schema");
        }
        return new TableRename(from, target);
    }

    /** Sequences owned by {@code table} named {@code oldPrefix...} become {@code newPrefix...} when desired has that name. */
    private static void renameOwnedSequences(List<Change> out, Catalog current, Catalog desired, QName table, String oldPrefix,
            String newPrefix) {
        for (Sequence s : current.sequences()) {
            Optional<QName> owner = s.ownedBy().map(o -> o.table());
            if (owner.isEmpty() || !owner.get().equals(table) || !s.name().name().startsWith(oldPrefix)) {
                continue;
            }
            QName renamed = s.name().withName(newPrefix + s.name().name().substring(oldPrefix.length()));
            if (desired.sequence(renamed).isPresent() && current.sequence(renamed).isEmpty()
                    && desired.sequence(s.name()).isEmpty()) {
                out.add(change("~ sequence " + s.name().display() + " renamed to " + renamed.name(),
                        "ALTER SEQUENCE " + s.name().sql() + " RENAME TO " + Sql.ident(renamed.name()),
                        "ALTER SEQUENCE " + renamed.sql() + " RENAME TO " + Sql.ident(s.name().name())));
            }
        }
    }

    private static Change change(String summary, String up, String down) {
        return new Change(Part.MAIN, Phase.RENAME, summary, List.of(up), List.of(down), Optional.empty());
    }

    private static ConvoyException bad(String spec, String why) {
        return new ConvoyException(ErrorCode.MIG020, "rename hint '" + spec + "': " + why);
    }

    @Override
    public String toString() {
        return specs.toString();
    }
}
