package io.convoy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Objects;

/**
 * Recomputes the chain over records in stored order and reports the first missing, altered or reordered record.
 *
 * <p>Rules, record by record, with {@code expected = previous seq + 1}: a seq equal to expected must have
 * {@code prev_hash} = the previous hash and {@code hash} = the recomputed hash (else ALTERED); a seq above expected
 * means {@code expected} is MISSING — unless the record with {@code expected} shows up right after (a swap), which
 * is REORDERED; a seq below expected is REORDERED (or a duplicate).
 */
public final class ChainVerifier {

    /** One stored record and where it was read from. */
    public record Located(JsonNode record, String where) {}

    private ChainVerifier() {}

    /** Verifies from the start of the chain (seq 1, genesis hash). */
    public static VerifyResult verify(Iterator<Located> records) {
        return verify(records, 0, AuditFields.GENESIS_HASH);
    }

    public static VerifyResult verify(Iterator<Located> records, long afterSeq, String afterHash) {
        long count = 0;
        long lastSeq = afterSeq;
        String lastHash = afterHash;
        Located pending = null;
        while (pending != null || records.hasNext()) {
            Located current = pending != null ? pending : records.next();
            pending = null;
            long expected = lastSeq + 1;
            JsonNode record = current.record();
            long seq = record == null ? -1 : AuditFields.seq(record);
            if (seq < 1) {
                return new VerifyResult.Broken(expected, VerifyResult.Problem.MALFORMED, current.where(),
                        "not an audit record (no convoy.audit.seq)");
            }
            if (seq > expected) {
                if (records.hasNext()) {
                    Located next = records.next();
                    if (next.record() != null && AuditFields.seq(next.record()) == expected) {
                        return new VerifyResult.Broken(expected, VerifyResult.Problem.REORDERED, next.where(),
                                "seq " + expected + " found after seq " + seq);
                    }
                }
                return new VerifyResult.Broken(expected, VerifyResult.Problem.MISSING, current.where(),
                        "next record present has seq " + seq);
            }
            if (seq < expected) {
                return new VerifyResult.Broken(seq, VerifyResult.Problem.REORDERED, current.where(),
                        "seq " + seq + " found after seq " + lastSeq);
            }
            String prev = AuditFields.prevHash(record);
            if (!Objects.equals(prev, lastHash)) {
                return new VerifyResult.Broken(seq, VerifyResult.Problem.ALTERED, current.where(),
                        "prev_hash does not match the hash of seq " + lastSeq);
            }
            String recomputed = AuditChain.hashOf(record, lastHash);
            if (!recomputed.equals(AuditFields.hash(record))) {
                return new VerifyResult.Broken(seq, VerifyResult.Problem.ALTERED, current.where(),
                        "content does not match its hash");
            }
            lastSeq = seq;
            lastHash = recomputed;
            count++;
        }
        return new VerifyResult.Intact(count, lastSeq, lastHash);
    }
}
