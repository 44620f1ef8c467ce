package io.convoy.cli;

import io.convoy.core.apply.HistoryEntry;
import io.convoy.core.config.Durations;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Formats revisions the way Alembic prints them: {@code 1a2b -> 3c4d (billing) (head), message},
 * {@code (branchpoint)}, {@code (mergepoint)}, {@code <base>}, and the verbose {@code Rev:} entry.
 */
public final class RevisionFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final RevisionGraph graph;
    private final Map<String, Revision> byId = new LinkedHashMap<>();
    private final Map<String, List<String>> children = new HashMap<>();
    private final Set<String> heads;

    public RevisionFormat(RevisionGraph graph) {
        this.graph = graph;
        for (Revision r : graph.revisions()) {
            byId.put(r.id(), r);
        }
        for (Revision r : graph.revisions()) {
            for (String parent : r.downRevisions()) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(r.id());
            }
        }
        this.heads = Set.copyOf(graph.heads());
    }

    public RevisionGraph graph() { return graph; }

    public Optional<Revision> find(String id) { return Optional.ofNullable(byId.get(id)); }

    public boolean isHead(String id) { return heads.contains(id); }

    public boolean isBranchPoint(String id) { return children.getOrDefault(id, List.of()).size() > 1; }

    public List<String> children(String id) { return children.getOrDefault(id, List.of()); }

    /** Every revision applied when the version table holds {@code databaseHeads}: the heads and their ancestors and dependencies. */
    public Set<String> applied(Collection<String> databaseHeads) {
        Set<String> known = new HashSet<>();
        for (String id : databaseHeads) {
            if (byId.containsKey(id)) {
                known.add(id);
            }
        }
        return graph.applied(known);
    }

    public static String comma(Collection<String> ids) {
        return String.join(", ", ids);
    }

    /** Alembic shows a label on every revision of its branch, not just the one that declares it. */
    private String labels(Revision r) {
        Set<String> labels = graph.labelsOf(r.id());
        return labels.isEmpty() ? "" : " (" + comma(new TreeSet<>(labels)) + ")";
    }

    private static String down(Revision r) {
        return r.downRevisions().isEmpty() ? "<base>" : comma(r.downRevisions());
    }

    /** One line, as Alembic's {@code cmd_format}. */
    public String line(Revision r, boolean parents, boolean branches, boolean doc, boolean tree, Set<String> current) {
        StringBuilder b = new StringBuilder();
        if (parents) {
            b.append(down(r));
            if (!r.dependsOn().isEmpty()) {
                b.append(" (").append(comma(r.dependsOn())).append(')');
            }
            b.append(" -> ");
        }
        b.append(r.id());
        if (branches) {
            b.append(labels(r));
        }
        if (isHead(r.id())) {
            b.append(" (head)");
        }
        if (current.contains(r.id())) {
            b.append(" (current)");
        }
        if (tree) {
            if (isBranchPoint(r.id())) {
                b.append(" (branchpoint)");
            }
            if (r.isMerge()) {
                b.append(" (mergepoint)");
            }
        }
        if (doc) {
            b.append(", ").append(r.message());
        }
        return b.toString();
    }

    /** The history line: {@code <base> -> 1a2b3c4d5e6f (head), create sites}. */
    public String historyLine(Revision r, Set<String> current) {
        return line(r, true, true, true, true, current);
    }

    /** The multi-line entry of {@code --verbose} and {@code show}, as Alembic's {@code log_entry}, plus Convoy's own facts. */
    public String entry(Revision r, Set<String> current, Optional<Applied> applied) {
        StringBuilder b = new StringBuilder("Rev: ").append(r.id());
        if (isHead(r.id())) {
            b.append(" (head)");
        }
        if (isBranchPoint(r.id())) {
            b.append(" (branchpoint)");
        }
        if (r.isMerge()) {
            b.append(" (mergepoint)");
        }
        if (current.contains(r.id())) {
            b.append(" (current)");
        }
        b.append('\n');
        b.append(r.isMerge() ? "Merges: " : "Parent: ").append(down(r)).append('\n');
        if (!r.dependsOn().isEmpty()) {
            b.append("Also depends on: ").append(comma(r.dependsOn())).append('\n');
        }
        if (isBranchPoint(r.id())) {
            b.append("Branches into: ").append(comma(children(r.id()))).append('\n');
        }
        if (!graph.labelsOf(r.id()).isEmpty()) {
            b.append("Branch names: ").append(comma(new TreeSet<>(graph.labelsOf(r.id())))).append('\n');
        }
        b.append("Path: ").append(r.source()).append('\n');
        if (!r.transactional()) {
            b.append("Transactional: no (statements run one by one in autocommit)\n");
        }
        r.lockTimeout().ifPresent(d -> b.append("Lock timeout: ").append(Durations.format(d)).append('\n'));
        r.statementTimeout().ifPresent(d -> b.append("Statement timeout: ").append(Durations.format(d)).append('\n'));
        b.append("Statements: ").append(r.upgrade().size()).append(" upgrade, ")
                .append(r.hasDowngrade() ? r.downgrade().size() + " downgrade" : "no downgrade section").append('\n');
        b.append("Checksum: ").append(r.checksum()).append('\n');
        applied.ifPresent(a -> b.append(a.describe(r.checksum())).append('\n'));
        b.append('\n');
        for (String line : r.message().split("\n")) {
            b.append("    ").append(line).append('\n');
        }
        return b.toString();
    }

    /** What convoy.history says about an applied revision. */
    public record Applied(boolean applied, Optional<HistoryEntry> entry) {
        String describe(String fileChecksum) {
            if (!applied) {
                return "Applied: no";
            }
            if (entry.isEmpty()) {
                return "Applied: yes (no history row)";
            }
            HistoryEntry e = entry.get();
            String how = e.direction().equals("stamp") ? "stamped" : "applied";
            String sum = e.checksum() == null || e.checksum().isBlank() ? "no checksum recorded"
                    : e.checksum().equals(fileChecksum) ? "checksum " + shortSum(e.checksum()) + " matches the file"
                    : "checksum " + shortSum(e.checksum()) + " DIFFERS from the file (" + shortSum(fileChecksum) + ")";
            return "Applied: " + how + " " + TIME.format(e.finishedAt()) + " by " + e.appliedBy() + "@" + e.host()
                    + " in " + Durations.human(e.duration()) + ", " + sum;
        }
    }

    /**
     * One checkpoint row of a batched statement:
     * {@code checkpoint #12 upgrade statement 1: batch 7, 7000 keys, 7000 rows, last key 7000 (2026-... UTC, 40 ms, by ann@h1)}
     * and {@code , done} for a statement's last batch.
     */
    public static String checkpointLine(HistoryEntry e) {
        HistoryEntry.Checkpoint c = e.checkpoint().orElseThrow();
        return "checkpoint #" + e.id() + " " + e.direction() + " statement " + c.statementIndex() + ": batch " + c.batches() + ", "
                + c.keysDone() + " keys, " + c.rowsDone() + " rows, last key " + c.lastKey().orElse("-") + " ("
                + TIME.format(e.finishedAt()) + ", " + e.duration().toMillis() + " ms, by " + e.appliedBy() + "@" + e.host() + ")"
                + (c.statementDone() ? ", done" : "");
    }

    /** The latest successful upgrade or stamp row of each revision. */
    public static Map<String, HistoryEntry> lastApplied(List<HistoryEntry> history) {
        Map<String, HistoryEntry> out = new HashMap<>();
        for (HistoryEntry e : history) {
            if ("applied".equals(e.outcome()) && !"downgrade".equals(e.direction())) {
                out.put(e.revision(), e);
            }
        }
        return out;
    }

    public static String shortSum(String checksum) {
        return checksum.length() > 12 ? checksum.substring(0, 12) + "…" : checksum;
    }

    /** {@code a1b2c3d4e5f6 (head)} for the heads a database holds; unknown ids say so. */
    public String currentLine(String id) {
        return find(id).map(r -> line(r, false, false, false, true, Set.of()))
                .orElse(id + " (not in the versions directory)");
    }
}
