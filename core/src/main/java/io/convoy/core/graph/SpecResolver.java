package io.convoy.core.graph;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Turns revision identifiers (absolute, symbolic, branch-qualified, relative) into revision ids. */
final class SpecResolver {
    private static final int MAX_LISTED = 10;

    private final GraphIndex g;

    SpecResolver(GraphIndex g) {
        this.g = g;
    }

    /** The database's version-table contents, checked against the graph (MIG004 for an unknown one). */
    Set<String> current(Set<String> currentHeads) {
        Set<String> cur = currentHeads == null ? new TreeSet<>() : new TreeSet<>(currentHeads);
        Set<String> unknown = new TreeSet<>(cur);
        unknown.removeIf(g::contains);
        if (!unknown.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG004, "database is at " + String.join(", ", unknown)
                    + (unknown.size() == 1 ? " which is" : " which are") + " not in the versions directory");
        }
        return cur;
    }

    Set<String> resolve(String spec, Set<String> currentHeads) {
        String s = trimmed(spec);
        RelativeSpec rel = RelativeSpec.parse(s);
        if (rel != null) {
            String target = relativeTarget(rel, currentHeads);
            return target == null ? Set.of() : Set.of(target);
        }
        int at = s.indexOf('@');
        if (at >= 0) {
            return branchQualified(s.substring(0, at), s.substring(at + 1), currentHeads, s);
        }
        return switch (s) {
            case "base" -> Set.of();
            case "head" -> g.heads.isEmpty() ? Set.of() : Set.of(single(g.heads, s, null));
            case "heads" -> Set.copyOf(g.heads);
            case "current" -> Set.copyOf(current(currentHeads));
            default -> Set.of(revision(s));
        };
    }

    /** Exact id, then branch label (its declaring revision), then a unique id prefix. */
    String revision(String text) {
        String id = find(text);
        if (id == null) {
            throw new ConvoyException(ErrorCode.MIG011, "unknown revision '" + text + "'");
        }
        return id;
    }

    /** Like {@link #revision} but null when nothing matches; MIG011 when a prefix is ambiguous. */
    private String find(String text) {
        if (g.contains(text)) {
            return text;
        }
        if (g.labels.containsKey(text)) {
            return g.labels.get(text);
        }
        List<String> matches = g.byId.keySet().stream().filter(id -> id.startsWith(text)).sorted().toList();
        if (matches.isEmpty()) {
            return null;
        }
        if (matches.size() > 1) {
            throw new ConvoyException(ErrorCode.MIG011, "ambiguous revision '" + text + "': it is a prefix of "
                    + list(matches) + "; give more characters");
        }
        return matches.get(0);
    }

    /** The revision a branch name stands for: a branch label's declaring revision, or a revision id/prefix. */
    String branchAnchor(String branch) {
        if (branch.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG011, "empty branch name before '@'");
        }
        String anchor = find(branch);
        if (anchor == null) {
            throw new ConvoyException(ErrorCode.MIG011, "unknown branch '" + branch
                    + "': no branch label or revision has that name");
        }
        return anchor;
    }

    /** The heads reachable from {@code anchor} through down_revision: the heads of its branch. */
    Set<String> headsOf(String anchor) {
        Set<String> hs = new TreeSet<>(g.descendants(List.of(anchor), false));
        hs.retainAll(g.heads);
        return hs;
    }

    /** The single member of {@code ids}; MIG001 naming them and {@code convoy merge} when there are several. */
    String single(Collection<String> ids, String spec, String branch) {
        if (ids.size() > 1) {
            throw multipleHeads(ids, spec, branch);
        }
        return ids.iterator().next();
    }

    static ConvoyException multipleHeads(Collection<String> heads, String spec, String branch) {
        String where = branch == null ? "multiple heads: " : "multiple heads on branch '" + branch + "': ";
        return new ConvoyException(ErrorCode.MIG001, where + String.join(", ", new TreeSet<>(heads))
                + " — run `convoy merge` to merge them, or name one target instead of '" + spec
                + "' ('heads', '<label>@head' or a revision id)");
    }

    /** Resolves a relative identifier to one revision id, or null for base. */
    String relativeTarget(RelativeSpec rel, Set<String> currentHeads) {
        if (rel.steps() == 0) {
            throw new ConvoyException(ErrorCode.MIG011, "relative identifier '" + rel.text()
                    + "' moves 0 steps; name the revision instead");
        }
        String anchor = rel.branch() == null ? null : branchAnchor(rel.branch());
        Set<String> lineage = anchor == null ? null : g.lineage(anchor);
        String start;
        if (rel.symbol() != null) {
            start = symbolStart(rel, currentHeads);
            if (lineage != null && start != null && !lineage.contains(start)) {
                throw notOnBranch(start, rel.branch());
            }
        } else {
            start = currentStart(rel, currentHeads, lineage);
        }
        return walk(start, rel, lineage, false);
    }

    /** The revision a relative identifier's symbol names (null for base); exactly one. */
    String symbolStart(RelativeSpec rel, Set<String> currentHeads) {
        // with a branch, the symbol is read on that branch: billing@head-1 counts from billing's head
        Set<String> s = resolve(rel.branch() == null ? rel.symbol() : rel.branch() + "@" + rel.symbol(), currentHeads);
        if (s.size() > 1) {
            throw new ConvoyException(ErrorCode.MIG011, "relative identifier '" + rel.text() + "' is ambiguous: '"
                    + rel.symbol() + "' names several revisions (" + list(s) + "); count from one of them");
        }
        return s.isEmpty() ? null : s.iterator().next();
    }

    /**
     * Where {@code +N}/{@code -N} without a symbol counts from: the single current head (of the
     * branch, when one is named). Null means base. MIG011 when several heads are in play.
     */
    String currentStart(RelativeSpec rel, Set<String> currentHeads, Set<String> lineage) {
        Set<String> starts = current(currentHeads);
        if (lineage != null) {
            Set<String> onBranch = new TreeSet<>(starts);
            onBranch.retainAll(lineage);
            if (onBranch.isEmpty()) {
                // the branch's heads are not in the version table: count from its applied tips
                Set<String> applied = g.ancestors(starts, true);
                applied.retainAll(lineage);
                onBranch = tips(applied);
            }
            starts = onBranch;
        }
        if (starts.size() > 1) {
            throw new ConvoyException(ErrorCode.MIG011, "relative identifier '" + rel.text()
                    + "' is ambiguous: the database is at several heads (" + list(starts)
                    + "); count from one of them (e.g. " + starts.iterator().next() + (rel.up() ? "+" : "-")
                    + rel.count() + ") or from a branch (<label>@" + (rel.up() ? "+" : "-") + rel.count() + ")");
        }
        if (starts.isEmpty()) {
            if (!rel.up()) {
                throw new ConvoyException(ErrorCode.MIG011, "relative identifier '" + rel.text()
                        + "' counts down from the current revision, but no revision is applied");
            }
            return null;
        }
        return starts.iterator().next();
    }

    /**
     * Walks {@code rel.count()} steps from {@code start} (null = base): up through children (only
     * those in {@code lineage} when given), down through the single down_revision. With
     * {@code clamp} an over-long walk stops at the end instead of failing (history ranges).
     */
    String walk(String start, RelativeSpec rel, Set<String> lineage, boolean clamp) {
        String cur = start;
        for (int i = 0; i < rel.count(); i++) {
            if (rel.up()) {
                Set<String> next = new TreeSet<>(cur == null ? g.bases : g.up.get(cur));
                if (lineage != null) {
                    next.retainAll(lineage);
                }
                if (next.isEmpty()) {
                    if (clamp) {
                        return cur;
                    }
                    throw new ConvoyException(ErrorCode.MIG011, "relative identifier '" + rel.text()
                            + "' goes beyond the head: only " + i + " step(s) up from " + name(start) + " exist");
                }
                if (next.size() > 1) {
                    throw new ConvoyException(ErrorCode.MIG011, "relative identifier '" + rel.text()
                            + "' is ambiguous: " + name(cur) + " is followed by several revisions (" + list(next)
                            + "); name the branch (<label>@+N) or count from one of them (<rev>+N)");
                }
                cur = next.iterator().next();
            } else {
                if (cur == null) {
                    if (clamp) {
                        return null;
                    }
                    throw new ConvoyException(ErrorCode.MIG011, "relative identifier '" + rel.text()
                            + "' goes below base: only " + i + " step(s) down from " + name(start) + " exist");
                }
                List<String> parents = g.down.get(cur);
                if (parents.size() > 1) {
                    throw new ConvoyException(ErrorCode.MIG011, "relative identifier '" + rel.text()
                            + "' is ambiguous: " + cur + " is a merge of " + list(parents)
                            + "; count down from one of them (<rev>-N)");
                }
                cur = parents.isEmpty() ? null : parents.get(0);
            }
        }
        return cur;
    }

    ConvoyException notOnBranch(String rev, String branch) {
        return new ConvoyException(ErrorCode.MIG011, "revision " + rev + " is not on branch '" + branch + "'");
    }

    private Set<String> branchQualified(String branch, String sym, Set<String> currentHeads, String spec) {
        String anchor = branchAnchor(branch);
        switch (sym) {
            case "head":
                return Set.of(single(headsOf(anchor), spec, branch));
            case "heads":
                return Set.copyOf(headsOf(anchor));
            case "base":
                return Set.of();
            case "current": {
                Set<String> cur = new TreeSet<>(current(currentHeads));
                cur.retainAll(g.lineage(anchor));
                return Set.copyOf(cur);
            }
            default: {
                String rev = revision(trimmed(sym));
                if (!g.lineage(anchor).contains(rev)) {
                    throw notOnBranch(rev, branch);
                }
                return Set.of(rev);
            }
        }
    }

    /** Members of {@code ids} that are no other member's down_revision. */
    private Set<String> tips(Set<String> ids) {
        Set<String> tips = new TreeSet<>(ids);
        for (String id : ids) {
            g.down.get(id).forEach(tips::remove);
        }
        return tips;
    }

    static String trimmed(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG011, "empty revision identifier");
        }
        return s;
    }

    static String name(String rev) {
        return rev == null ? "base" : rev;
    }

    static String list(Collection<String> ids) {
        List<String> sorted = new TreeSet<>(ids).stream().toList();
        if (sorted.size() <= MAX_LISTED) {
            return String.join(", ", sorted);
        }
        return String.join(", ", sorted.subList(0, MAX_LISTED)) + ", ... (" + sorted.size() + " in all)";
    }
}
