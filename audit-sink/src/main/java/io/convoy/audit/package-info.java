/**
 * The audit sink: every message on every topic of {@link io.convoy.schemas.Topics#all()} becomes one ECS audit
 * record in a single hash chain, written to append-only NDJSON files and to an Elasticsearch/OpenSearch data stream.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>One chain for the whole sink.</b> One consumer ({@code read_committed}, manual commits) is assigned every
 *       partition of every topic; one thread; {@code convoy.audit.seq} goes 1, 2, 3, ... with no gap.
 *       {@code hash = SHA-256(prev_hash + canonical JSON of the record without convoy.audit.hash)}, the first
 *       {@code prev_hash} is 64 zeros. Canonical JSON = keys sorted at every level, no whitespace
 *       ({@link io.convoy.audit.Canonical}). One active sink per chain (group + directory): it does not scale out,
 *       and partitions added while it runs are picked up at its next start.</li>
 *   <li><b>Record.</b> {@code @timestamp} (the event's own time, else the Kafka timestamp), {@code event.id =
 *       <topic>/<partition>/<offset>} (also the document {@code _id}), {@code event.kind/category/action/outcome/dataset},
 *       {@code user.name}, {@code convoy.*} (request, plan, command, target, revision, direction, checksum,
 *       sql_sha256, error_code, sql_state, lock_wait_ms, duration_ms, status, masked message, source coordinates) and
 *       {@code convoy.audit.{seq,prev_hash,hash,checkpoint}} ({@link io.convoy.audit.AuditMapper}, fields picked by
 *       name so new topics need no code). SQL text and raw bytes are never copied, only their SHA-256; free text goes
 *       through {@code Secrets.mask}. Undecodable values become {@code pipeline_error} records, tombstones are
 *       audited too.</li>
 *   <li><b>Order of durability per batch:</b> chain → append to the NDJSON file + fsync → {@code _bulk create}
 *       (201 created, 409 already there = success, 429/5xx/I/O retried with exponential backoff (Resilience4j) for
 *       as long as it takes, other per-item errors such as mapping rejections dead-lettered to {@code convoy.dlq}
 *       with the reason) → commit the offsets. A batch is one poll (up to {@code max_poll_records}): one NDJSON
 *       write and one fsync, one {@code _bulk} per {@code bulk_max_bytes}; the {@code _bulk} of a batch runs on an
 *       indexing thread while the next batch is read and fsync'd ({@code max_in_flight_batches}), and offsets are
 *       committed in batch order, a batch's only once both outputs hold it. A dead-lettered record is in the files
 *       but not in the data stream: verifying the data stream names its seq as missing.</li>
 *   <li><b>CPU per record.</b> Each record is written once as canonical UTF-8 bytes; the hash is computed over those
 *       bytes and spliced in at its sorted place; the same bytes go into the file and into the {@code _bulk} body
 *       (posted to {@code /<data stream>/_bulk}, so an action line is only the {@code _id}). Of the {@code _bulk}
 *       answer only {@code errors} is read when it is false (every item created); item statuses are read otherwise.
 *       The template gives the backing indices {@code refresh_interval} 5 s ({@link io.convoy.audit.IndexTemplate}):
 *       a record is searchable at most ~5 s after it is stored (verification refreshes first); the translog is still
 *       fsync'd on every {@code _bulk}, so what OpenSearch acknowledged survives its crash.</li>
 *   <li><b>Resume.</b> The files are the durable state ({@link io.convoy.audit.Recovery}): the last line gives seq and
 *       hash; the last line of each batch carries a checkpoint (every partition's next offset); lines after it (a
 *       batch cut short) add their own offsets. The consumer seeks there, so a crash between fsync and commit neither
 *       duplicates nor skips. Lines after the newest checkpoint Kafka has committed are indexed again (409s).
 *       A torn last line (crash mid-write, no newline) is cut off at open; no complete line is ever rewritten.</li>
 *   <li><b>Files.</b> {@code audit-<8-digit index>-<UTC date>.ndjson}; a new file at a batch boundary when the size
 *       limit is reached or the UTC day changes.</li>
 * </ul>
 */
package io.convoy.audit;
