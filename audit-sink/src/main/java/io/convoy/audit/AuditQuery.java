package io.convoy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A query of the audit data stream: every criterion optional, all of them must hold; newest first by seq.
 *
 * @param target   convoy.target
 * @param actor    user.name
 * @param revision convoy.revision
 * @param action   event.action (exact, e.g. step-events.applied) or a prefix ending in '*' (step-events.*)
 * @param since    @timestamp at or after
 * @param until    @timestamp before
 * @param limit    most records returned
 */
public record AuditQuery(Optional<String> target, Optional<String> actor, Optional<String> revision, Optional<String> action,
                         Optional<Instant> since, Optional<Instant> until, int limit) {

    public ObjectNode body() {
        ObjectNode q = Canonical.JSON.createObjectNode();
        q.put("size", limit);
        q.putArray("sort").addObject().put("convoy.audit.seq", "desc");
        ArrayNode filter = q.putObject("query").putObject("bool").putArray("filter");
        target.ifPresent(v -> term(filter, "convoy.target", v));
        actor.ifPresent(v -> term(filter, "user.name", v));
        revision.ifPresent(v -> term(filter, "convoy.revision", v));
        action.ifPresent(v -> {
            if (v.endsWith("*")) {
                filter.addObject().putObject("prefix").put("event.action", v.substring(0, v.length() - 1));
            } else {
                term(filter, "event.action", v);
            }
        });
        if (since.isPresent() || until.isPresent()) {
            ObjectNode range = filter.addObject().putObject("range").putObject("@timestamp");
            since.ifPresent(t -> range.put("gte", t.toString()));
            until.ifPresent(t -> range.put("lt", t.toString()));
        }
        return q;
    }

    private static void term(ArrayNode filter, String field, String value) {
        filter.addObject().putObject("term").put(field, value);
    }

    public List<JsonNode> run(SearchClient client) {
        return client.search(body());
    }
}
