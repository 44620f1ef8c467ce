package io.convoy.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convoy.core.util.Secrets;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns one Kafka record into an (unchained) ECS audit record. Generic over the topics: fields are picked by name
 * from whatever Avro record the topic carries, so a topic added to {@code Topics.all()} is audited without code
 * here. What is never copied: SQL text (only its SHA-256), raw bytes (only their SHA-256); free text (messages,
 * reasons, errors) goes through {@link Secrets#mask}.
 */
public final class AuditMapper {
    /** ECS {@code event.dataset} of every record. */
    public static final String DATASET = "convoy.audit";

    private static final List<String> TIME_FIELDS = List.of("occurred_at", "created_at", "updated_at", "failed_at", "issued_at", "at");
    private static final List<String> ACTOR_FIELDS = List.of("requested_by", "operator", "actor", "issued_by", "requester", "user");
    /** Lint severities, least to worst. */
    private static final List<String> SEVERITIES = List.of("INFO", "WARNING", "ERROR");
    private static final Set<String> FAILURE = Set.of("FAILED", "REJECTED", "CRITICAL", "ERROR");
    private static final Set<String> SUCCESS = Set.of("APPLIED", "COMPLETED", "ACCEPTED", "SKIPPED", "RESOLVED", "OK",
            "HALT", "RESUME", "PANIC");
    /** {@code event.action} of topics whose records carry no status: what the record itself is. */
    private static final java.util.Map<String, String> VERB = java.util.Map.of("requests", "submitted", "commands", "issued",
            "target-state", "updated");

    private AuditMapper() {}

    /** What was read from Kafka: coordinates, timestamp, key, and the decoded value or why it could not be decoded. */
    public record Source(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                         Object decoded, String decodeError) {}

    public static ObjectNode map(Source s) {
        ObjectNode doc = Canonical.JSON.createObjectNode();
        ObjectNode event = doc.putObject("event");
        ObjectNode convoy = doc.putObject("convoy");
        ObjectNode source = convoy.putObject("source");
        source.put("topic", s.topic());
        source.put("partition", s.partition());
        source.put("offset", s.offset());
        if (s.key() != null) {
            source.put("key", mask(new String(s.key(), StandardCharsets.UTF_8)));
        }
        event.put("id", s.topic() + "/" + s.partition() + "/" + s.offset());
        event.put("dataset", DATASET);
        String shortTopic = s.topic().startsWith("convoy.") ? s.topic().substring("convoy.".length()) : s.topic();
        Instant time = Instant.ofEpochMilli(s.timestamp());

        if (s.decodeError() != null) {
            event.put("kind", "pipeline_error");
            event.putArray("category").add("process");
            event.put("action", shortTopic + ".undecodable");
            event.put("outcome", "failure");
            convoy.put("raw_sha256", Canonical.sha256(s.value() == null ? new byte[0] : s.value()));
            convoy.put("message", mask(s.decodeError()));
        } else if (s.decoded() == null) {
            event.put("kind", "event");
            event.putArray("category").add("configuration");
            event.put("action", shortTopic + ".tombstone");
            event.put("outcome", "unknown");
        } else {
            GenericRecord r = (GenericRecord) s.decoded();
            Optional<String> status = text(r, "status").or(() -> text(r, "action")).or(() -> text(r, "severity"));
            event.put("kind", s.topic().endsWith("alerts") ? "alert" : s.topic().endsWith("dlq") ? "pipeline_error" : "event");
            event.putArray("category").add(shortTopic.startsWith("request") || shortTopic.startsWith("plan")
                    || shortTopic.startsWith("control") ? "configuration" : "database");
            event.put("action", shortTopic + status.or(() -> Optional.ofNullable(VERB.get(shortTopic)))
                    .map(v -> "." + v.toLowerCase(Locale.ROOT)).orElse(""));
            event.put("outcome", status.map(v -> FAILURE.contains(v) ? "failure" : SUCCESS.contains(v) ? "success" : "unknown")
                    .orElse(s.topic().endsWith("dlq") ? "failure" : "unknown"));
            // control orders: what they apply to (all, cluster:<id>, target:<id>) and who gave them (OPERATOR, MONITOR)
            text(r, "scope").ifPresent(scope -> {
                convoy.put("scope", mask(scope));
                if (scope.startsWith("target:")) {
                    convoy.put("target", mask(scope.substring("target:".length())));
                } else if (scope.startsWith("cluster:")) {
                    convoy.put("cluster", mask(scope.substring("cluster:".length())));
                }
            });
            text(r, "origin").ifPresent(o -> convoy.put("origin", o));
            for (String f : TIME_FIELDS) {
                Optional<Instant> t = instant(r, f);
                if (t.isPresent()) {
                    time = t.get();
                    break;
                }
            }
            for (String f : ACTOR_FIELDS) {
                Optional<String> actor = text(r, f);
                if (actor.isPresent()) {
                    doc.putObject("user").put("name", mask(actor.get()));
                    break;
                }
            }
            copy(r, convoy, "request_id", "request");
            copy(r, convoy, "plan_id", "plan");
            copy(r, convoy, "command_id", "command");
            copy(r, convoy, "target_id", "target");
            copy(r, convoy, "revision", "revision");
            copy(r, convoy, "target_revision", "revision");
            copy(r, convoy, "direction", "direction");
            copy(r, convoy, "checksum", "checksum");
            copy(r, convoy, "error_code", "error_code");
            copy(r, convoy, "last_error_code", "error_code");
            copy(r, convoy, "sql_state", "sql_state");
            copy(r, convoy, "executor_id", "executor");
            copy(r, convoy, "ticket", "ticket");
            status.ifPresent(v -> convoy.put("status", v));
            text(r, "message").or(() -> text(r, "reason")).ifPresent(m -> convoy.put("message", mask(m)));
            number(r, "lock_wait_ms").ifPresent(v -> convoy.put("lock_wait_ms", v));
            number(r, "duration_ms").ifPresent(v -> convoy.put("duration_ms", v));
            number(r, "attempts").ifPresent(v -> convoy.put("attempts", v));
            number(r, "step_index").ifPresent(v -> convoy.put("step_index", v));
            number(r, "step_count").ifPresent(v -> convoy.put("step_count", v));
            if (r.getSchema().getField("statements") != null && r.get("statements") instanceof List<?> statements) {
                StringBuilder sql = new StringBuilder();
                for (Object st : statements) {
                    Object text = st instanceof GenericRecord g && g.getSchema().getField("sql") != null ? g.get("sql") : st;
                    sql.append(text).append('\n');
                }
                convoy.put("sql_sha256", Canonical.sha256(sql.toString()));
            }
            lint(r).ifPresent(lint -> convoy.set("lint", lint));
            if (s.topic().endsWith("dlq")) {
                convoy.put("raw_sha256", Canonical.sha256(s.value() == null ? new byte[0] : s.value()));
            }
        }
        doc.put("@timestamp", time.toString());
        return doc;
    }

    /**
     * {@code convoy.lint} of a record carrying lint findings (commands): the rule ids found ({@code rules}), their
     * severities ({@code severities}, lower case), the worst one ({@code worst}), the rules the request approved
     * ({@code approved}) and how many findings there are ({@code count}); each list in first-seen order without
     * duplicates. Read from {@code lint_findings} (MigrationCommand v3), else from {@code approved_findings} (v2: the
     * approved error-level findings only). Empty when the record has no finding. Messages are not copied: the command
     * on its topic keeps them. A request's {@code approvals} (the rule ids it approves) become {@code approved} alone.
     */
    static Optional<ObjectNode> lint(GenericRecord r) {
        Set<String> rules = new LinkedHashSet<>();
        Set<String> severities = new LinkedHashSet<>();
        Set<String> approved = new LinkedHashSet<>();
        int worst = -1;
        int count = 0;
        List<?> findings = value(r, "lint_findings").filter(v -> v instanceof List<?>).map(v -> (List<?>) v).orElse(List.of());
        boolean v2 = findings.isEmpty();
        if (v2) {
            findings = value(r, "approved_findings").filter(v -> v instanceof List<?>).map(v -> (List<?>) v).orElse(List.of());
        }
        for (Object o : findings) {
            if (!(o instanceof GenericRecord f)) {
                continue;
            }
            Optional<String> rule = text(f, "rule");
            if (rule.isEmpty()) {
                continue;
            }
            String severity = v2 ? "ERROR" : text(f, "severity").orElse("ERROR");
            boolean ok = v2 || value(f, "approved").filter(Boolean.TRUE::equals).isPresent();
            count++;
            rules.add(mask(rule.get()));
            severities.add(severity.toLowerCase(Locale.ROOT));
            worst = Math.max(worst, SEVERITIES.indexOf(severity));
            if (ok) {
                approved.add(mask(rule.get()));
            }
        }
        if (count == 0) {
            // a request: the rule ids it approves
            List<?> approvals = value(r, "approvals").filter(v -> v instanceof List<?>).map(v -> (List<?>) v).orElse(List.of());
            approvals.stream().filter(a -> a instanceof CharSequence).map(a -> mask(a.toString())).forEach(approved::add);
            if (approved.isEmpty()) {
                return Optional.empty();
            }
            ObjectNode lint = Canonical.JSON.createObjectNode();
            approved.forEach(lint.putArray("approved")::add);
            return Optional.of(lint);
        }
        ObjectNode lint = Canonical.JSON.createObjectNode();
        rules.forEach(lint.putArray("rules")::add);
        severities.forEach(lint.putArray("severities")::add);
        lint.put("worst", worst < 0 ? "error" : SEVERITIES.get(worst).toLowerCase(Locale.ROOT));
        approved.forEach(lint.putArray("approved")::add);
        lint.put("count", count);
        return Optional.of(lint);
    }

    /**
     * {@link Secrets#mask}, skipping the regular expressions for text that cannot hold what it masks (both of its
     * patterns need one of {@code = : @}): most fields are ids, enums and names.
     */
    static String mask(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=' || c == ':' || c == '@') {
                return Secrets.mask(text);
            }
        }
        return text;
    }

    private static void copy(GenericRecord r, ObjectNode convoy, String field, String as) {
        text(r, field).ifPresent(v -> convoy.put(as, mask(v)));
    }

    private static Optional<Object> value(GenericRecord r, String field) {
        Schema.Field f = r.getSchema().getField(field);
        return f == null ? Optional.empty() : Optional.ofNullable(r.get(f.pos()));
    }

    private static Optional<String> text(GenericRecord r, String field) {
        return value(r, field).filter(v -> v instanceof CharSequence || v instanceof Enum<?> || v instanceof org.apache.avro.generic.GenericEnumSymbol<?>)
                .map(Object::toString);
    }

    private static Optional<Long> number(GenericRecord r, String field) {
        return value(r, field).filter(v -> v instanceof Number).map(v -> ((Number) v).longValue());
    }

    private static Optional<Instant> instant(GenericRecord r, String field) {
        return value(r, field).map(v -> v instanceof Instant i ? i : v instanceof Long l ? Instant.ofEpochMilli(l) : null);
    }
}
