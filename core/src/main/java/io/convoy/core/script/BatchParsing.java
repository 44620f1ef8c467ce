package io.convoy.core.script;

import io.convoy.core.error.ConvoyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Attaches the {@code -- convoy:batch:} directives of a section to the statements that follow them. */
final class BatchParsing {
    private BatchParsing() {}

    /**
     * Each directive governs the first statement after its line; no other statement may come between, two
     * directives may not govern one statement, and a directive needs a statement after it.
     */
    static List<String> attach(List<SqlStatement> statements, Map<Integer, BatchDirective> directives,
            BiFunction<Integer, String, ConvoyException> error) {
        List<String> out = new ArrayList<>();
        List<Map.Entry<Integer, BatchDirective>> pending = new ArrayList<>(directives.entrySet());
        pending.sort(Map.Entry.comparingByKey());
        int next = 0;
        for (SqlStatement s : statements) {
            if (next < pending.size() && pending.get(next).getKey() < s.line()) {
                Map.Entry<Integer, BatchDirective> d = pending.get(next++);
                if (next < pending.size() && pending.get(next).getKey() < s.line()) {
                    throw error.apply(pending.get(next).getKey(), "a second " + RevisionParser.MARKER + BatchDirective.NAME
                            + ": directive before the statement of the one at line " + d.getKey()
                            + " (each batched statement has exactly one directive)");
                }
                try {
                    BatchDirective.checkTemplate(s.sql());
                } catch (IllegalArgumentException e) {
                    throw error.apply(s.line(), e.getMessage() + " (directive at line " + d.getKey() + ")");
                }
                out.add(d.getValue().encode(s.sql()));
            } else {
                out.add(s.sql());
            }
        }
        if (next < pending.size()) {
            throw error.apply(pending.get(next).getKey(), RevisionParser.MARKER + BatchDirective.NAME
                    + ": no statement follows this directive in its section");
        }
        return out;
    }
}
