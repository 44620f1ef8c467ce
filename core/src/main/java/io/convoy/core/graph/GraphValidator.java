package io.convoy.core.graph;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.script.Revision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Validates a collection of revisions and builds the {@link GraphIndex}. Problems are reported all
 * at once, each naming the file and line of the header at fault: first malformed identifiers
 * (MIG010), then everything that keeps the graph from resolving (MIG001), then cycles (MIG001).
 */
final class GraphValidator {
    static final Set<String> RESERVED = Set.of("head", "heads", "base", "current");
    /** Characters Alembic forbids in revision ids: they carry the {@code label@rev}, {@code rev+N}, {@code a:b} syntax. */
    private static final Pattern ILLEGAL_ID = Pattern.compile("[@+\\-:,\\s]");
    private static final Pattern ILLEGAL_LABEL = Pattern.compile("[@+:,\\s]");

    private GraphValidator() {}

    static GraphIndex build(Collection<Revision> revisions) {
        Objects.requireNonNull(revisions, "revisions");
        checkIdentifiers(revisions);

        Map<String, List<Revision>> byIdAll = new TreeMap<>();
        for (Revision r : revisions) {
            byIdAll.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r);
        }
        List<String> problems = new ArrayList<>();
        byIdAll.forEach((id, list) -> {
            if (list.size() > 1) {
                List<String> where = list.stream().map(r -> r.location("revision")).sorted().toList();
                problems.add("duplicate revision id '" + id + "' in " + String.join(" and ", where));
            }
        });
        Map<String, Revision> byId = new TreeMap<>();
        byIdAll.forEach((id, list) -> byId.put(id, list.get(0)));

        Map<String, String> labels = collectLabels(byId, problems);
        Map<String, List<String>> down = new HashMap<>();
        Map<String, List<String>> deps = new HashMap<>();
        for (Revision r : byId.values()) {
            List<String> parents = new ArrayList<>();
            for (String p : new LinkedHashSet<>(r.downRevisions())) {
                if (byId.containsKey(p)) {
                    parents.add(p);
                } else {
                    problems.add(r.location("down_revision") + ": down_revision '" + p + "' of revision " + r.id()
                            + " is not a known revision" + didYouMean(p, byId.keySet()));
                }
            }
            down.put(r.id(), parents);
            Set<String> resolved = new LinkedHashSet<>();
            for (String d : r.dependsOn()) {
                if (byId.containsKey(d)) {
                    resolved.add(d);
                } else if (labels.containsKey(d)) {
                    resolved.add(labels.get(d));
                } else {
                    problems.add(r.location("depends_on") + ": depends_on '" + d + "' of revision " + r.id()
                            + " is neither a known revision nor a branch label" + didYouMean(d, byId.keySet()));
                }
            }
            deps.put(r.id(), new ArrayList<>(resolved));
        }
        fail(ErrorCode.MIG001, problems);

        Map<String, SortedSet<String>> up = new HashMap<>();
        Map<String, SortedSet<String>> upAll = new HashMap<>();
        for (String id : byId.keySet()) {
            up.put(id, new TreeSet<>());
            upAll.put(id, new TreeSet<>());
        }
        for (String id : byId.keySet()) {
            for (String p : down.get(id)) {
                up.get(p).add(id);
                upAll.get(p).add(id);
            }
            for (String d : deps.get(id)) {
                upAll.get(d).add(id);
            }
        }
        List<String> topo = topologicalOrder(byId, down, deps, upAll);
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < topo.size(); i++) {
            position.put(topo.get(i), i);
        }
        return new GraphIndex(byId, down, deps, up, upAll, List.copyOf(topo), position, labels);
    }

    private static void checkIdentifiers(Collection<Revision> revisions) {
        List<String> problems = new ArrayList<>();
        for (Revision r : revisions) {
            Objects.requireNonNull(r, "revision");
            String id = r.id();
            if (id == null || id.isBlank()) {
                problems.add(r.location("revision") + ": the revision id is empty");
            } else if (ILLEGAL_ID.matcher(id).find()) {
                problems.add(r.location("revision") + ": revision id '" + id
                        + "' contains one of the characters @ + - : , or a space, which revision identifiers cannot hold");
            } else if (RESERVED.contains(id)) {
                problems.add(r.location("revision") + ": revision id '" + id + "' is a reserved word (head, heads, base, current)");
            }
            for (String label : new TreeSet<>(r.branchLabels())) {
                if (label.isBlank() || ILLEGAL_LABEL.matcher(label).find()) {
                    problems.add(r.location("branch_labels") + ": branch label '" + label
                            + "' must be non-empty and cannot hold @ + : , or a space");
                } else if (RESERVED.contains(label)) {
                    problems.add(r.location("branch_labels") + ": branch label '" + label + "' is a reserved word (head, heads, base, current)");
                } else if (RelativeSpec.parse(label) != null) {
                    problems.add(r.location("branch_labels") + ": branch label '" + label
                            + "' reads as a relative identifier (<rev>-N); choose another name");
                }
            }
        }
        fail(ErrorCode.MIG010, problems);
    }

    private static Map<String, String> collectLabels(Map<String, Revision> byId, List<String> problems) {
        Map<String, String> labels = new TreeMap<>();
        for (Revision r : byId.values()) {
            for (String label : new TreeSet<>(r.branchLabels())) {
                String previous = labels.putIfAbsent(label, r.id());
                if (previous != null) {
                    problems.add("branch label '" + label + "' is declared twice: by revision " + previous + " at "
                            + byId.get(previous).location("branch_labels") + " and by revision " + r.id() + " at "
                            + r.location("branch_labels"));
                }
                if (byId.containsKey(label) && !label.equals(r.id())) {
                    problems.add(r.location("branch_labels") + ": branch label '" + label + "' of revision " + r.id()
                            + " equals the id of revision " + label + " (" + byId.get(label).location("revision") + ")");
                } else if (label.equals(r.id())) {
                    problems.add(r.location("branch_labels") + ": branch label '" + label + "' equals the revision's own id");
                }
            }
        }
        return labels;
    }

    /** Kahn's algorithm, smallest id first among the ready revisions; a leftover means a cycle. */
    private static List<String> topologicalOrder(Map<String, Revision> byId, Map<String, List<String>> down,
                                                 Map<String, List<String>> deps, Map<String, SortedSet<String>> upAll) {
        Map<String, Integer> pending = new HashMap<>();
        PriorityQueue<String> ready = new PriorityQueue<>();
        for (String id : byId.keySet()) {
            Set<String> parents = new TreeSet<>(down.get(id));
            parents.addAll(deps.get(id));
            pending.put(id, parents.size());
            if (parents.isEmpty()) {
                ready.add(id);
            }
        }
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(id);
            for (String child : upAll.get(id)) {
                if (pending.merge(child, -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
        if (order.size() < byId.size()) {
            Set<String> left = new TreeSet<>(byId.keySet());
            order.forEach(left::remove);
            throw new ConvoyException(ErrorCode.MIG001, describeCycle(left, byId, down, deps));
        }
        return order;
    }

    /**
     * Every revision left over by Kahn's algorithm has a parent that is also left over, so walking
     * from parent to parent must come back to a revision already seen: that loop is a cycle.
     */
    private static String describeCycle(Set<String> left, Map<String, Revision> byId,
                                        Map<String, List<String>> down, Map<String, List<String>> deps) {
        List<String> path = new ArrayList<>();
        Map<String, Integer> seenAt = new LinkedHashMap<>();
        String cur = left.iterator().next();
        while (!seenAt.containsKey(cur)) {
            seenAt.put(cur, path.size());
            path.add(cur);
            String next = null;
            for (String p : new TreeSet<>(down.get(cur))) {
                if (left.contains(p)) {
                    next = p;
                    break;
                }
            }
            if (next == null) {
                for (String d : new TreeSet<>(deps.get(cur))) {
                    if (left.contains(d)) {
                        next = d;
                        break;
                    }
                }
            }
            cur = next;
        }
        List<String> cycle = new ArrayList<>(path.subList(seenAt.get(cur), path.size()));
        cycle.add(cur);
        StringBuilder msg = new StringBuilder("cycle in the revision graph: ")
                .append(String.join(" -> ", cycle))
                .append(" (each arrow is a down_revision or depends_on)");
        for (int i = 0; i + 1 < cycle.size(); i++) {
            Revision r = byId.get(cycle.get(i));
            String header = down.get(r.id()).contains(cycle.get(i + 1)) ? "down_revision" : "depends_on";
            msg.append("; ").append(r.location(header)).append(": revision ").append(r.id()).append(' ')
                    .append(header).append(' ').append(cycle.get(i + 1));
        }
        return msg.toString();
    }

    private static String didYouMean(String unknown, Set<String> ids) {
        List<String> close = ids.stream().filter(id -> id.startsWith(unknown) || unknown.startsWith(id)).sorted().limit(3).toList();
        return close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "? headers need the full id)";
    }

    private static void fail(ErrorCode code, List<String> problems) {
        if (problems.size() == 1) {
            throw new ConvoyException(code, problems.get(0));
        }
        if (!problems.isEmpty()) {
            throw new ConvoyException(code, problems.size() + " problems in the revision graph:\n  - "
                    + String.join("\n  - ", problems));
        }
    }
}
