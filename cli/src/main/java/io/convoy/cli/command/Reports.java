package io.convoy.cli.command;

import io.convoy.cli.RevisionFormat;
import io.convoy.core.apply.HistoryEntry;
import io.convoy.core.script.Revision;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The text of {@code current} and {@code history}, shared by those verbs and {@code convoy local}. */
public final class Reports {
    private Reports() {}

    public static void current(PrintWriter out, RevisionFormat fmt, Set<String> databaseHeads, boolean verbose,
                               String target, List<HistoryEntry> history, String indent) {
        if (verbose) {
            out.println(indent + "Current revision(s) for " + target + ":");
            if (databaseHeads.isEmpty()) {
                out.println(indent + "(none: no revision applied)");
            }
        }
        Map<String, HistoryEntry> last = RevisionFormat.lastApplied(history);
        for (String id : new TreeSet<>(databaseHeads)) {
            Optional<Revision> r = fmt.find(id);
            if (verbose && r.isPresent()) {
                String entry = fmt.entry(r.get(), Set.of(), Optional.of(new RevisionFormat.Applied(true, Optional.ofNullable(last.get(id)))));
                entry.lines().forEach(l -> out.println(indent + l));
            } else {
                out.println(indent + fmt.currentLine(id));
            }
        }
    }

    private static void checkpoints(PrintWriter out, Revision r, List<HistoryEntry> checkpoints, String indent) {
        for (HistoryEntry e : checkpoints) {
            if (e.revision().equals(r.id())) {
                out.println(indent + "    " + RevisionFormat.checkpointLine(e));
            }
        }
    }

    /** {@code revisions} newest first. */
    public static void history(PrintWriter out, RevisionFormat fmt, List<Revision> revisions, Set<String> databaseHeads,
                               boolean indicateCurrent, boolean verbose, Optional<List<HistoryEntry>> history, String indent) {
        history(out, fmt, revisions, databaseHeads, indicateCurrent, verbose, history, List.of(), indent);
    }

    /**
     * {@code revisions} newest first; under each one, its rows of {@code checkpoints} (the checkpoint rows of batched
     * statements, oldest first), one line each.
     */
    public static void history(PrintWriter out, RevisionFormat fmt, List<Revision> revisions, Set<String> databaseHeads,
                               boolean indicateCurrent, boolean verbose, Optional<List<HistoryEntry>> history,
                               List<HistoryEntry> checkpoints, String indent) {
        Set<String> current = indicateCurrent ? databaseHeads : Set.of();
        Set<String> applied = fmt.applied(databaseHeads);
        Map<String, HistoryEntry> last = history.map(RevisionFormat::lastApplied).orElse(Map.of());
        for (Revision r : revisions) {
            if (verbose) {
                Optional<RevisionFormat.Applied> a = history.map(h -> new RevisionFormat.Applied(applied.contains(r.id()),
                        applied.contains(r.id()) ? Optional.ofNullable(last.get(r.id())) : Optional.empty()));
                fmt.entry(r, current, a).lines().forEach(l -> out.println(indent + l));
                checkpoints(out, r, checkpoints, indent);
                out.println();
            } else {
                out.println(indent + fmt.historyLine(r, current));
                checkpoints(out, r, checkpoints, indent);
            }
        }
    }
}
