package io.convoy.core.autogen;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What autogenerate found: the ordered changes, grouped into the revisions to write
 * ({@link #parts()}), and a summary for people. Empty when the schemas already match.
 *
 * @param warnings differences autogenerate cannot write SQL for (objects it does not model, a
 *                 domain's base type): they are in the summary and must be handled by hand
 */
public record AutogenResult(List<Change> changes, List<String> warnings) {
    private static final String NO_FUNCTION_BODY_CHECK = "SET LOCAL check_function_bodies = off";

    public AutogenResult {
        changes = List.copyOf(changes);
        warnings = List.copyOf(warnings);
    }

    public AutogenResult(List<Change> changes) {
        this(changes, List.of());
    }

    /** Nothing to write and nothing to report: the schemas match. */
    public boolean isEmpty() {
        return changes.isEmpty() && warnings.isEmpty();
    }

    /** The non-empty parts in upgrade order: enum values, main (transactional), concurrent. */
    public List<RevisionPart> parts() {
        List<RevisionPart> out = new ArrayList<>();
        for (Part p : Part.values()) {
            part(p).ifPresent(out::add);
        }
        return out;
    }

    /** The main transactional part, when there is one. */
    public Optional<RevisionPart> transactional() {
        return part(Part.MAIN);
    }

    /** The non-transactional part (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT), when there is one. */
    public Optional<RevisionPart> nonTransactional() {
        return part(Part.CONCURRENT);
    }

    /** The enum-values part (ALTER TYPE ... ADD VALUE) that must commit before the main part, when there is one. */
    public Optional<RevisionPart> enumValues() {
        return part(Part.ENUM_VALUES);
    }

    public Optional<RevisionPart> part(Part part) {
        List<Change> mine = changes.stream().filter(c -> c.part() == part).toList();
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        List<String> up = new ArrayList<>();
        for (Change c : mine) {
            up.addAll(withReview(c, c.upgrade()));
        }
        List<String> down = new ArrayList<>();
        for (int i = mine.size() - 1; i >= 0; i--) {
            down.addAll(mine.get(i).downgrade());
        }
        if (part.transactional()) {
            if (up.stream().anyMatch(AutogenResult::definesRoutine)) {
                up.add(0, NO_FUNCTION_BODY_CHECK);
            }
            if (down.stream().anyMatch(AutogenResult::definesRoutine)) {
                down.add(0, NO_FUNCTION_BODY_CHECK);
            }
        }
        return Optional.of(new RevisionPart(part, up, down));
    }

    private static List<String> withReview(Change c, List<String> statements) {
        if (c.review().isEmpty() || statements.isEmpty()) {
            return statements;
        }
        List<String> out = new ArrayList<>(statements);
        out.set(0, "-- REVIEW: " + c.review().get().replace("\n", "\n-- ") + "\n" + out.get(0));
        return out;
    }

    private static boolean definesRoutine(String sql) {
        String s = sql.stripLeading();
        while (s.startsWith("--")) {
            int nl = s.indexOf('\n');
            s = nl < 0 ? "" : s.substring(nl + 1).stripLeading();
        }
        return s.startsWith("CREATE OR REPLACE FUNCTION") || s.startsWith("CREATE OR REPLACE PROCEDURE");
    }

    /** One line per change, in upgrade order; review notes on their own {@code !} lines. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        for (Change c : changes) {
            if (!c.summary().isBlank()) {
                out.add(c.summary());
            }
            c.review().ifPresent(r -> out.add("  ! REVIEW: " + r));
        }
        for (String w : warnings) {
            out.add("! not handled, write it by hand: " + w);
        }
        return out;
    }

    public String summaryText() {
        return isEmpty() ? "No changes detected." : String.join("\n", summary());
    }
}
