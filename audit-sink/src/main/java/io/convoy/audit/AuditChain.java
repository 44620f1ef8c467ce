package io.convoy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The hash chain: one chain for the whole sink, {@code seq} strictly increasing by one from 1.
 * {@code hash = sha256(prev_hash + canonical JSON of the record without convoy.audit.hash)}; the first record's
 * {@code prev_hash} is 64 zeros. Not thread-safe: the sink's single thread owns it.
 */
public final class AuditChain {
    private long lastSeq;
    private String lastHash;

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
