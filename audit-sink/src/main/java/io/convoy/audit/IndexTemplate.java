package io.convoy.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The index template of the audit data stream: {@code data_stream: {}} and strict mappings of every field written. */
public final class IndexTemplate {
    /**
     * How soon an indexed audit record becomes searchable: 5 s instead of OpenSearch's 1 s, so the node writes a
     * fifth of the small segments (and merges less) while the sink indexes; verification and tests call
     * {@code _refresh} themselves. Durability is not touched (the translog is still fsync'd per {@code _bulk}).
     */
    public static final String REFRESH_INTERVAL = "5s";

    private IndexTemplate() {}

    public static ObjectNode body(String dataStream) {
        ObjectNode t = Canonical.JSON.createObjectNode();
        // exactly the data stream's name: a wildcard would overlap the template of a stream whose name extends this one
        t.putArray("index_patterns").add(dataStream);
        t.putObject("data_stream");
        t.put("priority", 200);
        ObjectNode template = t.putObject("template");
        template.putObject("settings").put("index.number_of_replicas", 0).put("index.refresh_interval", REFRESH_INTERVAL);
        ObjectNode mappings = template.putObject("mappings");
        mappings.put("dynamic", "strict");
        ObjectNode p = mappings.putObject("properties");
        type(p, "@timestamp", "date");
        ObjectNode event = object(p, "event");
        keywords(event, "id", "dataset", "kind", "category", "action", "outcome");
        keywords(object(p, "user"), "name");
        ObjectNode convoy = object(p, "convoy");
        keywords(convoy, "request", "plan", "command", "target", "revision", "direction", "checksum", "error_code",
                "sql_state", "executor", "ticket", "status", "sql_sha256", "raw_sha256", "scope", "cluster", "origin");
        type(convoy, "message", "text");
        type(convoy, "lock_wait_ms", "long");
        type(convoy, "duration_ms", "long");
        type(convoy, "attempts", "integer");
        type(convoy, "step_index", "integer");
        type(convoy, "step_count", "integer");
        lint(convoy);
        ObjectNode source = object(convoy, "source");
        keywords(source, "topic");
        storedOnly(source, "key");
        type(source, "partition", "integer");
        type(source, "offset", "long");
        ObjectNode audit = object(convoy, "audit");
        type(audit, "seq", "long");
        keywords(audit, "hash");
        storedOnly(audit, "prev_hash", "checkpoint");
        return t;
    }

    /**
     * The fields added to the mappings after the first release, as a {@code PUT <data stream>/_mapping} body: new
     * fields reach the backing indices that exist already (a template only applies to the next one).
     */
    public static ObjectNode addedFields() {
        ObjectNode body = Canonical.JSON.createObjectNode();
        ObjectNode convoy = body.putObject("properties").putObject("convoy").putObject("properties");
        keywords(convoy, "scope", "cluster", "origin");
        lint(convoy);
        return body;
    }

    /** {@code convoy.lint}: the lint findings of a command (see {@link AuditMapper#lint}). */
    private static void lint(ObjectNode convoy) {
        ObjectNode lint = object(convoy, "lint");
        keywords(lint, "rules", "severities", "worst", "approved");
        type(lint, "count", "integer");
    }

    private static ObjectNode object(ObjectNode parent, String name) {
        ObjectNode o = parent.putObject(name);
        o.put("dynamic", "strict");
        return o.putObject("properties");
    }

    private static void type(ObjectNode parent, String name, String type) {
        parent.putObject(name).put("type", type);
    }

    /** Kept in {@code _source} (verification reads them) but never searched: not indexed, no doc values (cheaper to index). */
    private static void storedOnly(ObjectNode parent, String... names) {
        for (String n : names) {
            parent.putObject(n).put("type", "keyword").put("index", false).put("doc_values", false);
        }
    }

    private static void keywords(ObjectNode parent, String... names) {
        for (String n : names) {
            type(parent, n, "keyword");
        }
    }
}
