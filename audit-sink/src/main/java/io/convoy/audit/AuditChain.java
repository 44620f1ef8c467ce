package io.convoy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The hash chain: one chain for the whole sink, {@code seq} strictly increasing by one from 1.
 * {@code hash = sha256(prev_hash + canonical JSON of the record without convoy.audit.hash)}; the first record's
 * {@code prev_hash} is 64 zeros. Not thread-safe: the sink's single thread owns it.
 */
public final class AuditChain {
    private long lastSeq;
    private String lastHash;
    private MessageDigest digest;

    /** A chain continuing after {@code lastSeq}/{@code lastHash} (0 and {@link AuditFields#GENESIS_HASH} when empty). */
    public AuditChain(long lastSeq, String lastHash) {
        this.lastSeq = lastSeq;
        this.lastHash = lastHash;
    }

    public static AuditChain empty() {
        return new AuditChain(0, AuditFields.GENESIS_HASH);
    }

    /** Seals a record: sets seq, prev_hash and hash, advances the chain, returns the record. */
    public ObjectNode append(ObjectNode record) {
        ObjectNode audit = AuditFields.audit(record);
        audit.remove("hash");
        audit.put("seq", lastSeq + 1);
        audit.put("prev_hash", lastHash);
        String hash = hashOf(record, lastHash);
        audit.put("hash", hash);
        lastSeq++;
        lastHash = hash;
        return record;
    }

    /**
     * Seals a record like {@link #append} and returns its canonical JSON (the NDJSON line), serialising it once:
     * the hash field is spliced into the canonical text the hash was computed over. Same result as
     * {@code Canonical.json(append(record))}.
     */
    public String seal(ObjectNode record) {
        return new String(sealUtf8(record), StandardCharsets.UTF_8);
    }

    /**
     * {@link #seal} as UTF-8 bytes, what the NDJSON file and the {@code _bulk} body take: the record is written once
     * straight to UTF-8, hashed from those bytes ({@code prev_hash} is ASCII hex, so hashing it and then the text is
     * hashing their concatenation) and the hash spliced in at its sorted place.
     */
    public byte[] sealUtf8(ObjectNode record) {
        JsonNode convoy = record.get("convoy");
        ObjectNode audit = convoy != null && convoy.get("audit") instanceof ObjectNode a ? a : AuditFields.audit(record);
        audit.remove("hash");
        long seq = lastSeq + 1;
        audit.put("seq", seq);
        audit.put("prev_hash", lastHash);
        Canonical.WithoutHash without = Canonical.utf8WithoutHash(record);
        if (digest == null) {
            digest = Canonical.sha256Digest();
        }
        digest.update(lastHash.getBytes(StandardCharsets.ISO_8859_1));
        digest.update(without.bytes(), 0, without.length());
        String hash = HexFormat.of().formatHex(digest.digest());
        audit.put("hash", hash);
        byte[] line = without.withHash(hash);
        if (line == null) {
            line = Canonical.json(record).getBytes(StandardCharsets.UTF_8);
        }
        lastSeq = seq;
        lastHash = hash;
        return line;
    }

    /** The hash a record must carry given the previous hash (its own hash field ignored). */
    public static String hashOf(JsonNode record, String prevHash) {
        return Canonical.sha256(prevHash + Canonical.jsonWithoutHash(record));
    }

    public long lastSeq() {
        return lastSeq;
    }

    public String lastHash() {
        return lastHash;
    }
}
