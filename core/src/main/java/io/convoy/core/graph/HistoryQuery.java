package io.convoy.core.graph;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.script.Revision;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Alembic's {@code history -r start:end}: the revisions from {@code start} (inclusive) up to
 * {@code end} (inclusive), newest first. An empty start is {@code base}, an empty end is
 * {@code heads}. A symbol-less {@code -N} start counts down from the end, a symbol-less {@code +N}
 * end counts up from the start; both stop at base/head instead of failing, as Alembic's history does.
 */
final class HistoryQuery {
    private static final String EXAMPLE = "base:head, <rev>:, :<rev>, -3:current or current:";

    private final GraphIndex g;
    private final SpecResolver resolver;

    HistoryQuery(GraphIndex g, SpecResolver resolver) {
        this.g = g;
        this.resolver = resolver;
    }

    List<Revision> history(String range, Set<String> currentHeads) {
        String[] parts = range == null || range.isBlank() ? new String[] {"", ""}
                : RangeSyntax.split(range, "history range", EXAMPLE);
        String startSpec = parts[0].isEmpty() ? "base" : parts[0];
        String endSpec = parts[1].isEmpty() ? "heads" : parts[1];
        RelativeSpec startRel = RelativeSpec.parse(startSpec);
        RelativeSpec endRel = RelativeSpec.parse(endSpec);
        boolean startFromEnd = startRel != null && startRel.symbol() == null && !startRel.up();
        boolean endFromStart = endRel != null && endRel.symbol() == null && endRel.up();
        if (startFromEnd && endFromStart) {
            throw new ConvoyException(ErrorCode.MIG020, "history range '" + range
                    + "' counts each end from the other; name one of them, e.g. " + EXAMPLE);
        }
        Set<String> lower;
        Set<String> upper;
        if (startFromEnd) {
            upper = resolver.resolve(endSpec, currentHeads);
            if (upper.isEmpty()) {
                return List.of();
            }
            String from = only(upper, startSpec, endSpec, range);
            String s = resolver.walk(from, startRel, null, true);
            lower = s == null ? Set.of() : Set.of(s);
        } else if (endFromStart) {
            lower = resolver.resolve(startSpec, currentHeads);
            String from = lower.isEmpty() ? null : only(lower, endSpec, startSpec, range);
            Set<String> lineage = endRel.branch() == null ? null : g.lineage(resolver.branchAnchor(endRel.branch()));
            String e = resolver.walk(from, endRel, lineage, true);
            upper = e == null ? Set.of() : Set.of(e);
        } else {
            lower = resolver.resolve(startSpec, currentHeads);
            upper = resolver.resolve(endSpec, currentHeads);
        }
        Set<String> required = g.ancestors(upper, true);
        for (String l : new TreeSet<>(lower)) {
            if (!required.contains(l)) {
                throw new ConvoyException(ErrorCode.MIG011, "history range '" + range + "': " + l + " ('" + startSpec
                        + "') is not an ancestor of '" + endSpec + "'"
                        + (upper.isEmpty() ? "" : " (" + SpecResolver.list(upper) + ")"));
            }
        }
        Set<String> selected = new TreeSet<>(required);
        selected.removeAll(g.ancestors(lower, true));
        selected.addAll(lower);
        if (!lower.isEmpty()) {
            selected.retainAll(g.descendants(lower, false));
        }
        return g.sortTopoReversed(selected).stream().map(g.byId::get).toList();
    }

    private static String only(Set<String> ids, String relative, String other, String range) {
        if (ids.size() > 1) {
            throw new ConvoyException(ErrorCode.MIG011, "history range '" + range + "': '" + relative
                    + "' is ambiguous because '" + other + "' names several revisions (" + SpecResolver.list(ids)
                    + "); name one of them");
        }
        return ids.iterator().next();
    }
}
