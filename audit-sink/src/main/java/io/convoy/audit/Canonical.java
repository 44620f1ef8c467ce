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
            write(g, node, skipHash ? 0 : -1, null, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return out.toString();
    }

    /**
     * The UTF-8 canonical JSON of an audit record without its {@code convoy.audit.hash}, and where in it the hash
     * field goes ({@link #withHash}): the hash is computed over these bytes, and the line written is these bytes with
     * the hash spliced in, so the record is serialised once and never turned into a String.
     */
    static final class WithoutHash {
        private final byte[] buf;
        private final int length;
        private int hashAt = -1;
        private boolean fieldsBefore;
        private boolean fieldsAfter;

        private WithoutHash(Utf8Out out) {
            this.buf = out.buf;
            this.length = out.count;
        }

        byte[] bytes() {
            return buf;
        }

        int length() {
            return length;
        }

        /** The canonical JSON of the record with {@code "hash":"<hash>"} in its sorted place in convoy.audit; null if the record has no convoy.audit. */
        byte[] withHash(String hash) {
            if (hashAt < 0) {
                return null;
            }
            byte[] field = ((fieldsBefore ? "," : "") + "\"hash\":\"" + hash + "\"" + (!fieldsBefore && fieldsAfter ? "," : ""))
                    .getBytes(StandardCharsets.UTF_8);
            byte[] line = new byte[length + field.length];
            System.arraycopy(buf, 0, line, 0, hashAt);
            System.arraycopy(field, 0, line, hashAt, field.length);
            System.arraycopy(buf, hashAt, line, hashAt + field.length, length - hashAt);
            return line;
        }
    }

    /** A growable byte buffer handed to the generator (unsynchronised, its array read in place). */
    private static final class Utf8Out extends java.io.OutputStream {
        byte[] buf = new byte[1024];
        int count;

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }

    /**
     * One generator and buffer per thread, reused record after record (creating a generator per record cost ~7 % of
     * the sink thread): root values are written with no separator, the buffer is reset before each record.
     */
    private static final class Utf8Writer {
        final Utf8Out out = new Utf8Out();
        final com.fasterxml.jackson.core.JsonGenerator g;

        Utf8Writer() {
            try {
                g = JSON.getFactory().createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create a JSON generator", e);
            }
            g.setRootValueSeparator(null);
        }
    }

    private static final ThreadLocal<Utf8Writer> UTF8_WRITER = ThreadLocal.withInitial(Utf8Writer::new);

    /**
     * {@link #jsonWithoutHash} as UTF-8 bytes, with the place of the hash field marked. The result reads this thread's
     * reused buffer: use it ({@link WithoutHash#withHash}) before the next call on the same thread.
     */
    static WithoutHash utf8WithoutHash(JsonNode record) {
        Utf8Writer w8 = UTF8_WRITER.get();
        Utf8Out out = w8.out;
        out.count = 0;
        Mark mark = new Mark();
        try {
            write(w8.g, record, 0, out, mark);
            w8.g.flush();
        } catch (java.io.IOException | RuntimeException e) {
            UTF8_WRITER.remove(); // the generator may be half way through a value: never reuse it
            throw e instanceof java.io.IOException ? new IllegalStateException("cannot write JSON", e) : (RuntimeException) e;
        }
        WithoutHash w = new WithoutHash(out);
        w.hashAt = mark.at;
        w.fieldsBefore = mark.before;
        w.fieldsAfter = mark.after;
        return w;
    }

    /** Where, while writing convoy.audit, the (left out) hash field belongs. */
    private static final class Mark {
        int at = -1;
        boolean before;
        boolean after;
    }

    /**
     * Writes sorted; {@code hashDepth} tracks the path convoy → audit → hash to leave out (-1: leave nothing out;
     * 0: at the root; 1: inside convoy; 2: inside convoy.audit). With a mark, notes the byte offset in {@code out}
     * where {@code hash} sorts inside convoy.audit.
     */
    private static void write(com.fasterxml.jackson.core.JsonGenerator g, JsonNode node, int hashDepth, Utf8Out out, Mark mark)
            throws java.io.IOException {
        if (node.isObject()) {
            // the entries themselves (no lookup per name), sorted by name unless they already are
            @SuppressWarnings("unchecked")
            java.util.Map.Entry<String, JsonNode>[] fields = new java.util.Map.Entry[node.size()];
            int n = 0;
            boolean sorted = true;
            for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                fields[n] = it.next();
                if (n > 0 && sorted && fields[n - 1].getKey().compareTo(fields[n].getKey()) > 0) {
                    sorted = false;
                }
                n++;
            }
            if (!sorted) {
                java.util.Arrays.sort(fields, java.util.Map.Entry.comparingByKey());
            }
            boolean marking = hashDepth == 2 && mark != null;
            int written = 0;
            g.writeStartObject();
            for (java.util.Map.Entry<String, JsonNode> field : fields) {
                String name = field.getKey();
                int childDepth = -1;
                if (hashDepth == 0 && name.equals("convoy")) {
                    childDepth = 1;
                } else if (hashDepth == 1 && name.equals("audit")) {
                    childDepth = 2;
                } else if (hashDepth == 2 && name.equals("hash")) {
                    continue;
                }
                if (marking && mark.at < 0 && name.compareTo("hash") > 0) {
                    g.flush();
                    mark.at = out.count;
                    mark.before = written > 0;
                }
                if (marking && mark.at >= 0) {
                    mark.after = true;
                }
                g.writeFieldName(name);
                write(g, field.getValue(), childDepth, out, mark);
                written++;
            }
            if (marking && mark.at < 0) {
                g.flush();
                mark.at = out.count;
                mark.before = written > 0;
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode n : node) {
                write(g, n, -1, null, null);
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

    /** A fresh SHA-256 digest. */
    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
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
