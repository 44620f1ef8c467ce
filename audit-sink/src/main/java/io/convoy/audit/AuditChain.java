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

    /**
     * Seals a record like {@link #append} and returns its canonical JSON (the NDJSON line), serialising it once:
     * the hash field is spliced into the canonical text the hash was computed over. Same result as
     * {@code Canonical.json(append(record))}.
     */
    public String seal(ObjectNode record) {
        ObjectNode audit = AuditFields.audit(record);
        audit.remove("hash");
        long seq = lastSeq + 1;
        audit.put("seq", seq);
        audit.put("prev_hash", lastHash);
        String without = Canonical.jsonWithoutHash(record);
        String hash = Canonical.sha256(lastHash + without);
        audit.put("hash", hash);
        // keys sorted: checkpoint < hash < prev_hash < seq, and convoy.audit holds no other keys
        String tail = "\"prev_hash\":\"" + lastHash + "\",\"seq\":" + seq + "}";
        int at = without.indexOf(tail);
        String line;
        if (at > 0 && at == without.lastIndexOf(tail) && audit.size() <= 4) {
            line = without.substring(0, at) + "\"hash\":\"" + hash + "\"," + without.substring(at);
        } else {
            line = Canonical.json(record);
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
