package io.convoy.core.lint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/** A lint report as text for people and as JSON for tools. */
public final class LintFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LintFormat() {}

    /**
     * {@code {"linted": [...], "worst": "error"|"warning"|"info"|null, "counts": {...}, "findings": [{"rule", "severity",
     * "kind": "measured"|"static", "title", "revision", "statement", "sql", "relation", "lock_mode", "why", "fix"}]}}.
     */
    public static String json(LintReport report) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode linted = root.putArray("linted");
        report.linted().forEach(linted::add);
        root.put("worst", report.worst().map(Severity::lower).orElse(null));
        ObjectNode counts = root.putObject("counts");
        counts(report).forEach(counts::put);
        ArrayNode findings = root.putArray("findings");
        for (Finding f : report.findings()) {
            ObjectNode n = findings.addObject();
            n.put("rule", f.ruleId());
            n.put("severity", f.severity().lower());
            n.put("kind", f.rule().measured() ? "measured" : "static");
            n.put("title", f.rule().title());
            n.put("revision", f.revision());
            n.put("statement", f.statement());
            n.put("sql", f.sql());
            n.put("relation", f.relation().orElse(null));
            n.put("lock_mode", f.lockMode().orElse(null));
            n.put("why", f.why());
            n.put("fix", f.fix());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One block per finding, then a summary line. */
    public static String text(LintReport report) {
        StringBuilder b = new StringBuilder();
        for (Finding f : report.findings()) {
            b.append(String.format("%-7s %s %s%s%s%s (%s: %s)%n", f.severity().lower(), f.ruleId(), f.revision(),
                    f.statement() > 0 ? " #" + f.statement() : "", f.relation().map(r -> " " + r).orElse(""),
                    f.lockMode().map(m -> " " + m).orElse(""), f.rule().measured() ? "measured" : "static", f.rule().title()));
            if (!f.sql().isBlank()) {
                b.append("  ").append(f.sql().strip().replace("\n", "\n  ")).append('\n');
            }
            b.append("  why: ").append(f.why()).append('\n');
            b.append("  fix: ").append(f.fix()).append('\n');
        }
        Map<String, Integer> counts = counts(report);
        b.append("Linted ").append(report.linted().size()).append(report.linted().size() == 1 ? " revision: " : " revisions: ")
                .append(counts.get("error")).append(" error(s), ").append(counts.get("warning")).append(" warning(s), ")
                .append(counts.get("info")).append(" info\n");
        return b.toString();
    }

    private static Map<String, Integer> counts(LintReport report) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Severity s : Severity.values()) {
            counts.put(s.lower(), (int) report.findings().stream().filter(f -> f.severity() == s).count());
        }
        return counts;
    }
}
