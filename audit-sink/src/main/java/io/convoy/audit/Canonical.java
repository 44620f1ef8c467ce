package io.convoy.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Canonical JSON and SHA-256: object keys sorted (recursively), no insignificant whitespace, UTF-8.
 * The chain hash of a record is {@code sha256(prev_hash + canonical JSON of the record without convoy.audit.hash)}.
 */
public final class Canonical {
    /** Shared mapper: sorted keys on output. Thread-safe once configured. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private Canonical() {}

    /** Canonical JSON text of a node: keys sorted at every level, no whitespace. */
    public static String json(JsonNode node) {
        return write(node, false);
    }

    /** Canonical JSON of an audit record without its {@code convoy.audit.hash} field (what the hash covers). */
    static String jsonWithoutHash(JsonNode record) {
        return write(record, true);
    }

    private static String write(JsonNode node, boolean skipHash) {
        java.io.StringWriter out = new java.io.StringWriter(1024);
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            write(g, node, skipHash ? 0 : -1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return out.toString();
    }

    /**
     * Writes sorted; {@code hashDepth} tracks the path convoy → audit → hash to leave out (-1: leave nothing out;
     * 0: at the root; 1: inside convoy; 2: inside convoy.audit).
     */
    private static void write(com.fasterxml.jackson.core.JsonGenerator g, JsonNode node, int hashDepth) throws java.io.IOException {
        if (node.isObject()) {
            java.util.List<String> names = new java.util.ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            g.writeStartObject();
            for (String name : names) {
                int childDepth = -1;
                if (hashDepth == 0 && name.equals("convoy")) {
                    childDepth = 1;
                } else if (hashDepth == 1 && name.equals("audit")) {
                    childDepth = 2;
                } else if (hashDepth == 2 && name.equals("hash")) {
                    continue;
                }
                g.writeFieldName(name);
                write(g, node.get(name), childDepth);
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode n : node) {
                write(g, n, -1);
            }
            g.writeEndArray();
        } else if (node.isTextual()) {
            g.writeString(node.textValue());
        } else if (node.isInt() || node.isShort()) {
            g.writeNumber(node.intValue());
        } else if (node.isLong()) {
            g.writeNumber(node.longValue());
        } else if (node.isBoolean()) {
            g.writeBoolean(node.booleanValue());
        } else if (node.isNull()) {
            g.writeNull();
        } else {
            JSON.writeTree(g, node); // big numbers, decimals, binary: rare, through the mapper (same output)
        }
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}
