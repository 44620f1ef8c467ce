package io.convoy.core.apply;

import io.convoy.core.script.Revision;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The comparison behind {@code convoy check}, as a pure function of what the database holds
 * (heads, history) and what the scripts say (revisions, heads).
 *
 * <ul>
 *   <li>Applied revisions are the database heads and everything they descend from in the graph
 *       (down_revision and depends_on). One is <b>changed</b> when the checksum of its latest
 *       applied upgrade in history differs from its file's (stamped revisions have none: skipped).</li>
 *   <li><b>Vanished</b>: a database head missing from the graph, or a revision whose latest applied
 *       upgrade/downgrade row is an upgrade, that is missing from the graph, and was not followed
 *       by a stamp (a stamp rewrites the version table, so older rows no longer say what is applied).</li>
 *   <li>Several graph heads: {@code multipleHeads}. Database heads other than the graph heads: not at head.</li>
 * </ul>
 */
public final class CheckComparison {
    private CheckComparison() {}

    public static CheckReport compare(Set<String> databaseHeads, List<HistoryEntry> history, Collection<Revision> graphRevisions,
            Set<String> graphHeads) {
        Map<String, Revision> graph = new LinkedHashMap<>();
        for (Revision r : graphRevisions) {
            graph.put(r.id(), r);
        }

        Map<String, String> upgradeChecksum = new HashMap<>();
        Map<String, HistoryEntry> lastMove = new HashMap<>();
        long lastStamp = Long.MIN_VALUE;
        for (HistoryEntry h : history) {
            if (!VersionTables.APPLIED.equals(h.outcome())) {
                continue;
            }
            switch (h.direction()) {
                case VersionTables.UPGRADE -> {
                    if (h.checksum() != null) {
                        upgradeChecksum.put(h.revision(), h.checksum());
                    }
                    lastMove.put(h.revision(), h);
                }
                case VersionTables.DOWNGRADE -> lastMove.put(h.revision(), h);
                case VersionTables.STAMP -> lastStamp = Math.max(lastStamp, h.id());
                default -> { }
            }
        }

        Set<String> applied = ancestry(databaseHeads, graph);
        List<CheckReport.Drift> changed = new ArrayList<>();
        for (Revision r : graph.values()) {
            String was = upgradeChecksum.get(r.id());
            if (applied.contains(r.id()) && was != null && !was.equals(r.checksum())) {
                changed.add(new CheckReport.Drift(r.id(), was, r.checksum(), String.valueOf(r.source())));
            }
        }

        Set<String> vanished = new LinkedHashSet<>();
        for (String h : new TreeSet<>(databaseHeads)) {
            if (!graph.containsKey(h)) {
                vanished.add(h);
            }
        }
        final long stampMark = lastStamp;
        lastMove.values().stream()
                .filter(h -> h.direction().equals(VersionTables.UPGRADE) && h.id() > stampMark && !graph.containsKey(h.revision()))
                .sorted((a, b) -> Long.compare(a.id(), b.id()))
                .forEach(h -> vanished.add(h.revision()));

        return new CheckReport(databaseHeads, graphHeads, changed, List.copyOf(vanished), graphHeads.size() > 1,
                databaseHeads.equals(graphHeads));
    }

    /** The heads and everything they descend from, among the revisions of the graph. */
    static Set<String> ancestry(Set<String> heads, Map<String, Revision> graph) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(heads);
        while (!todo.isEmpty()) {
            String id = todo.pop();
            Revision r = graph.get(id);
            if (r == null || !seen.add(id)) {
                continue;
            }
            todo.addAll(r.downRevisions());
            todo.addAll(r.dependsOn());
        }
        return seen;
    }

    /** A readable account of a report, one finding per line, each with its error code; empty when all is well. */
    public static List<String> describe(CheckReport report) {
        List<String> out = new ArrayList<>();
        for (CheckReport.Drift d : report.changed()) {
            out.add("MIG004: revision " + d.revision() + " (" + d.file() + ") changed after it was applied: applied checksum "
                    + d.appliedChecksum() + ", file checksum " + d.fileChecksum());
        }
        for (String v : report.vanished()) {
            out.add("MIG004: revision " + v + " is applied to the database but no revision file has it any more");
        }
        if (report.multipleHeads()) {
            out.add("MIG001: the revision graph has several heads (" + StepActions.describe(report.graphHeads())
                    + "): run convoy merge");
        }
        if (!report.atHead()) {
            out.add("MIG005: the database is at " + StepActions.describe(report.databaseHeads()) + ", the head is "
                    + StepActions.describe(report.graphHeads()) + ": run convoy upgrade head");
        }
        return out;
    }
}
