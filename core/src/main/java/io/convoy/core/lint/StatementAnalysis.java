package io.convoy.core.lint;

import io.convoy.core.lint.CatalogState.Col;
import io.convoy.core.lint.CatalogState.Con;
import io.convoy.core.lint.CatalogState.Rel;
import io.convoy.core.script.Revision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what changed between two {@link CatalogState}s around one statement into findings. "Existing" means
 * present before the revision's first statement ({@code pre}): what a live database would have full of rows.
 */
final class StatementAnalysis {
    private final Revision revision;
    private final CatalogState pre;

    StatementAnalysis(Revision revision, CatalogState pre) {
        this.revision = revision;
        this.pre = pre;
    }

    List<Finding> analyze(int index, String sql, boolean concurrent, CatalogState prev, CatalogState cur) {
        List<Finding> out = new ArrayList<>();
        Set<Long> flagged = new HashSet<>();
        String id = revision.id();
        for (Rel was : pre.rels().values()) {
            if (!was.isTable()) {
                continue;
            }
            Rel before = prev.rels().get(was.oid());
            Rel now = cur.rels().get(was.oid());
            if (before == null) {
                continue;
            }
            String lock = cur.locks().get(was.oid());
            if (now == null) {
                flagged.add(was.oid());
                out.add(Finding.of(Rule.CV007, id, index, sql, before.name(), lock, "table " + before.name() + " is dropped"));
                continue;
            }
            if (!now.name().equals(before.name())) {
                flagged.add(was.oid());
                out.add(Finding.of(Rule.CV007, id, index, sql, before.name(), lock,
                        "table " + before.name() + " is renamed to " + now.name()));
            }
            columns(index, sql, was, before, now, lock, prev, cur, out, flagged);
            if (now.filenode() != before.filenode() && now.filenode() != 0) {
                flagged.add(was.oid());
                out.add(rewrite(index, sql, now, lock, prev, cur));
            }
        }
        for (Map.Entry<Long, Long> idx : cur.indexes().entrySet()) {
            Long table = idx.getValue();
            if (!prev.indexes().containsKey(idx.getKey()) && pre.rels().containsKey(table) && !concurrent) {
                Rel t = cur.rels().get(table);
                Rel index1 = cur.rels().get(idx.getKey());
                flagged.add(table);
                out.add(Finding.of(Rule.CV002, id, index, sql, t.name(), cur.locks().get(table),
                        "index " + (index1 == null ? "" : index1.name() + " ") + "is built on existing table " + t.name()
                                + " while writes to it are blocked (" + cur.locks().get(table) + ")"));
            }
        }
        for (Con con : cur.cons().values()) {
            if (con.type() != 'f' && con.type() != 'c' || !con.validated() || !pre.rels().containsKey(con.rel())) {
                continue;
            }
            Con before = prev.cons().get(con.oid());
            Rel t = cur.rels().get(con.rel());
            String kind = con.type() == 'f' ? "FOREIGN KEY" : "CHECK";
            if (before == null) {
                flagged.add(con.rel());
                out.add(Finding.of(Rule.CV003, id, index, sql, t.name(), cur.locks().get(con.rel()),
                        kind + " " + con.name() + " is added valid on existing table " + t.name()
                                + ": every row is checked while the table is locked (" + cur.locks().get(con.rel()) + ")"));
            } else if (!before.validated() && !pre.cons().containsKey(con.oid()) && revision.transactional()) {
                flagged.add(con.rel());
                out.add(Finding.of(Rule.CV003, id, index, sql, t.name(), cur.locks().get(con.rel()),
                        kind + " " + con.name() + " is validated in the same transaction that added it NOT VALID:"
                                + " the scan runs under the ADD's lock (" + cur.locks().get(con.rel()) + ")"));
            }
        }
        for (Map.Entry<Long, String> lock : cur.locks().entrySet()) {
            Rel was = pre.rels().get(lock.getKey());
            if (was == null || !was.isTable() || flagged.contains(was.oid()) || !"AccessExclusiveLock".equals(lock.getValue())
                    || "AccessExclusiveLock".equals(prev.locks().get(lock.getKey()))) {
                continue;
            }
            Rel now = cur.rels().get(was.oid());
            out.add(Finding.of(Rule.CV011, id, index, sql, now == null ? was.name() : now.name(), lock.getValue(),
                    "ACCESS EXCLUSIVE on existing table " + (now == null ? was.name() : now.name())
                            + ": every query on it waits until the revision commits"));
        }
        return out;
    }

    private void columns(int index, String sql, Rel was, Rel before, Rel now, String lock, CatalogState prev, CatalogState cur,
            List<Finding> out, Set<Long> flagged) {
        String id = revision.id();
        for (Col c : prev.cols().values()) {
            if (c.rel() != was.oid() || !pre.cols().containsKey(c.key())) {
                continue;
            }
            Col n = cur.cols().get(c.key());
            if (n == null) {
                flagged.add(was.oid());
                out.add(Finding.of(Rule.CV007, id, index, sql, now.name(), lock, "column " + now.name() + "." + c.name() + " is dropped"));
                continue;
            }
            if (!n.name().equals(c.name())) {
                flagged.add(was.oid());
                out.add(Finding.of(Rule.CV007, id, index, sql, now.name(), lock,
                        "column " + now.name() + "." + c.name() + " is renamed to " + n.name()));
            }
            if (!c.notNull() && n.notNull() && !c.proven()) {
                flagged.add(was.oid());
                out.add(Finding.of(Rule.CV004, id, index, sql, now.name(), lock, "column " + now.name() + "." + n.name()
                        + " is set NOT NULL with no validated CHECK (" + n.name() + " IS NOT NULL): every row is scanned under " + lock));
            }
        }
    }

    private Finding rewrite(int index, String sql, Rel table, String lock, CatalogState prev, CatalogState cur) {
        String id = revision.id();
        for (Col n : cur.cols().values()) {
            if (n.rel() != table.oid()) {
                continue;
            }
            Col c = prev.cols().get(n.key());
            if (c == null && n.hasDefault()) {
                return Finding.of(Rule.CV005, id, index, sql, table.name(), lock, "column " + table.name() + "." + n.name()
                        + " is added with a volatile default: the whole table is rewritten under " + lock);
            }
            if (c != null && (c.type() != n.type() || c.typmod() != n.typmod())) {
                return Finding.of(Rule.CV006, id, index, sql, table.name(), lock, "column " + table.name() + "." + n.name()
                        + " changes type: the whole table (and its indexes) is rewritten under " + lock);
            }
        }
        return Finding.of(Rule.CV001, id, index, sql, table.name(), lock,
                "table " + table.name() + " is rewritten (new relfilenode) under " + lock);
    }
}
