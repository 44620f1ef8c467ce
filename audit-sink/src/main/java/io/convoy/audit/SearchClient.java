package io.convoy.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convoy.core.util.Secrets;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain REST over java.net.http against Elasticsearch 8+ or OpenSearch 2+ (no product check): the index template,
 * {@code _bulk} with {@code create} and deterministic {@code _id}, searches. Credentials in the URL go as basic
 * authentication and are masked in every message. Thread-safe.
 */
public final class SearchClient {
    private static final Pattern USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@]*)@(.*)$");

    private final URI base;
    private final String masked;
    private final Optional<String> authorization;
    private final String dataStream;
    private final Duration timeout;
    private final HttpClient http;

    public SearchClient(String url, String dataStream, Duration timeout) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        Matcher m = USERINFO.matcher(u);
        if (m.matches()) {
            String userinfo = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            authorization = Optional.of("Basic " + Base64.getEncoder().encodeToString(userinfo.getBytes(StandardCharsets.UTF_8)));
            u = m.group(1) + m.group(3);
        } else {
            authorization = Optional.empty();
        }
        this.base = URI.create(u);
        this.masked = Secrets.mask(url);
        this.dataStream = dataStream;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public String dataStream() {
        return dataStream;
    }

    public String maskedUrl() {
        return masked;
    }

    /** A failure worth retrying: connection refused or reset, timeout, 429, 5xx. */
    public static final class TransientException extends RuntimeException {
        public TransientException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Installs (or replaces) the index template of the data stream. */
    public void installTemplate() {
        JsonNode answer = send("PUT", "/_index_template/" + dataStream, Canonical.json(IndexTemplate.body(dataStream)), "application/json");
        if (!answer.path("acknowledged").asBoolean(false)) {
            throw new IllegalStateException("index template " + dataStream + " not acknowledged by " + masked + ": " + answer);
        }
        // a data stream created under an older template gets the fields added since (its backing indices keep their mappings)
        if (exists("/_data_stream/" + dataStream)) {
            send("PUT", "/" + dataStream + "/_mapping", Canonical.json(IndexTemplate.addedFields()), "application/json");
            // and the refresh interval of the template (a dynamic setting): the write index gets it without a rollover
            send("PUT", "/" + dataStream + "/_settings", "{\"index.refresh_interval\":\"" + IndexTemplate.REFRESH_INTERVAL + "\"}",
                    "application/json");
        }
    }

    /** One document the data stream refused for good (e.g. a mapping rejection), with the reason. */
    public record Rejected(JsonNode doc, int status, String reason) {}

    /** What one {@code _bulk} call did: created, already present (409), to retry (429/5xx per item), rejected for good. */
    public record BulkResult(int created, int existing, List<JsonNode> retry, List<Rejected> rejected) {}

    /** Sends the documents as {@code create} operations with {@code _id = event.id}. */
    public BulkResult bulkCreate(List<JsonNode> docs) {
        List<String> json = new ArrayList<>(docs.size());
        for (JsonNode doc : docs) {
            json.add(Canonical.json(doc));
        }
        return bulkCreate(docs, json);
    }

    /**
     * Sends the documents as {@code create} operations with {@code _id = event.id}, each as its already written
     * canonical JSON ({@code json.get(i)} is {@code docs.get(i)} serialised: the NDJSON line), so nothing is
     * serialised twice. One request: split large batches before calling.
     */
    public BulkResult bulkCreate(List<JsonNode> docs, List<String> json) {
        List<byte[]> utf8 = new ArrayList<>(json.size());
        for (String j : json) {
            utf8.add(j.getBytes(StandardCharsets.UTF_8));
        }
        return bulkCreateUtf8(docs, utf8);
    }

    /**
     * As {@link #bulkCreate(List, List)}, the canonical JSON given as UTF-8 bytes (the NDJSON lines as written): the
     * body is built from them with one copy. The data stream is named in the path, so the action lines carry only the
     * {@code _id}. The answer is read only as far as needed: {@code errors:false} means every item was created, and
     * then the items are only counted; otherwise each item's status decides (201 created, 409 already there, 429/5xx
     * to retry, anything else rejected for good).
     */
    public BulkResult bulkCreateUtf8(List<JsonNode> docs, List<byte[]> json) {
        if (docs.size() != json.size()) {
            throw new IllegalArgumentException(docs.size() + " documents but " + json.size() + " JSON texts");
        }
        if (docs.isEmpty()) {
            return new BulkResult(0, 0, List.of(), List.of());
        }
        byte[] actionStart = "{\"create\":{\"_id\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] actionEnd = "\"}}\n".getBytes(StandardCharsets.UTF_8);
        byte[][] ids = new byte[docs.size()][];
        int size = 0;
        for (int i = 0; i < docs.size(); i++) {
            String id = AuditFields.eventId(docs.get(i));
            ids[i] = JsonStringEncoder.getInstance().quoteAsUTF8(id == null ? "" : id);
            size += actionStart.length + ids[i].length + actionEnd.length + json.get(i).length + 1;
        }
        byte[] body = new byte[size];
        int at = 0;
        for (int i = 0; i < docs.size(); i++) {
            at = put(body, at, actionStart);
            at = put(body, at, ids[i]);
            at = put(body, at, actionEnd);
            at = put(body, at, json.get(i));
            body[at++] = '\n';
        }
        // only what is read back: the items' status and error (the full answer is several times larger)
        String path = "/" + dataStream + "/_bulk?filter_path=errors,items.*.status,items.*.error";
        byte[] answer = sendBytes("POST", path, HttpRequest.BodyPublishers.ofByteArray(body), "application/x-ndjson");
        return bulkAnswer(answer, docs);
    }

    private static int put(byte[] into, int at, byte[] what) {
        System.arraycopy(what, 0, into, at, what.length);
        return at + what.length;
    }

    /** Reads a {@code _bulk} answer ({@code errors} before {@code items}, as Elasticsearch and OpenSearch write it). */
    private BulkResult bulkAnswer(byte[] answer, List<JsonNode> docs) {
        Boolean errors = null;
        int count = 0;
        JsonNode items = null;
        try (JsonParser p = Canonical.JSON.getFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new TransientException("_bulk answer from " + masked + " is not a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("errors")) {
                    errors = value == JsonToken.VALUE_TRUE;
                } else if (field.equals("items") && value == JsonToken.START_ARRAY && Boolean.FALSE.equals(errors)) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        count++;
                        p.skipChildren();
                    }
                } else if (field.equals("items")) {
                    items = Canonical.JSON.readTree(p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new TransientException("_bulk answer from " + masked + " is not JSON: " + abbreviate(new String(answer, StandardCharsets.UTF_8)), e);
        }
        if (Boolean.FALSE.equals(errors) && items == null) {
            if (count != docs.size()) {
                throw new TransientException("_bulk answer from " + masked + " has " + count + " items for " + docs.size() + " documents", null);
            }
            return new BulkResult(docs.size(), 0, List.of(), List.of());
        }
        if (items == null || !items.isArray() || items.size() != docs.size()) {
            throw new TransientException("_bulk answer from " + masked + " has " + (items == null ? 0 : items.size()) + " items for "
                    + docs.size() + " documents", null);
        }
        int created = 0;
        int existing = 0;
        List<JsonNode> retry = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            JsonNode item = items.get(i).path("create");
            int status = item.path("status").asInt();
            if (status == 200 || status == 201) {
                created++;
            } else if (status == 409) {
                existing++;
            } else if (status == 429 || status >= 500) {
                retry.add(docs.get(i));
            } else {
                JsonNode error = item.path("error");
                rejected.add(new Rejected(docs.get(i), status,
                        Secrets.mask(error.path("type").asText("") + ": " + error.path("reason").asText(error.toString()))));
            }
        }
        return new BulkResult(created, existing, retry, rejected);
    }

    private boolean exists(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(timeout).GET();
        authorization.ifPresent(a -> b.header("Authorization", a));
        try {
            int status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 429 || status >= 500) {
                throw new TransientException("GET " + masked + path + " answered " + status, null);
            }
            return status == 200;
        } catch (IOException e) {
            throw new TransientException("GET " + masked + path + " failed: " + Secrets.mask(String.valueOf(e.getMessage())), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("GET " + masked + path + " interrupted", e);
        }
    }

    /** Makes the latest writes searchable (tests, verify after a run). */
    public void refresh() {
        send("POST", "/" + dataStream + "/_refresh", "", "application/json");
    }

    /** Number of documents in the data stream (0 if it does not exist yet). */
    public long count() {
        JsonNode answer = send("GET", "/" + dataStream + "/_count?ignore_unavailable=true", null, null);
        return answer.path("count").asLong();
    }

    /** Runs a search on the data stream and returns the hits' sources. */
    public List<JsonNode> search(ObjectNode query) {
        JsonNode answer = send("POST", "/" + dataStream + "/_search?ignore_unavailable=true", Canonical.json(query), "application/json");
        List<JsonNode> out = new ArrayList<>();
        answer.path("hits").path("hits").forEach(h -> out.add(h.path("_source")));
        return out;
    }

    /** Every document in seq order, fetched in pages with search_after. */
    public Iterator<ChainVerifier.Located> scanBySeq(int pageSize) {
        return new Iterator<>() {
            List<JsonNode> page = List.of();
            int pos;
            long after = 0;
            long index;
            boolean done;

            @Override
            public boolean hasNext() {
                if (pos < page.size()) {
                    return true;
                }
                if (done) {
                    return false;
                }
                ObjectNode q = Canonical.JSON.createObjectNode();
                q.put("size", pageSize);
                q.putArray("sort").addObject().put("convoy.audit.seq", "asc");
                q.putArray("search_after").add(after);
                q.putObject("query").putObject("match_all");
                page = search(q);
                pos = 0;
                if (page.size() < pageSize) {
                    done = true;
                }
                if (!page.isEmpty()) {
                    after = AuditFields.seq(page.get(page.size() - 1));
                }
                return !page.isEmpty();
            }

            @Override
            public ChainVerifier.Located next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                index++;
                return new ChainVerifier.Located(page.get(pos++), dataStream + " hit " + index);
            }
        };
    }

    private JsonNode send(String method, String path, String body, String contentType) {
        byte[] answer = sendBytes(method, path, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), contentType);
        try {
            return answer.length == 0 ? Canonical.JSON.createObjectNode() : Canonical.JSON.readTree(answer);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + masked + path + " answered non-JSON: "
                    + abbreviate(new String(answer, StandardCharsets.UTF_8)), e);
        }
    }

    private byte[] sendBytes(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(timeout).method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        authorization.ifPresent(a -> b.header("Authorization", a));
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TransientException(method + " " + masked + path + " failed: " + Secrets.mask(String.valueOf(e.getMessage())), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException(method + " " + masked + path + " interrupted", e);
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new TransientException(method + " " + masked + path + " answered " + status + ": "
                    + abbreviate(new String(response.body(), StandardCharsets.UTF_8)), null);
        }
        if (status >= 400) {
            throw new IllegalStateException(method + " " + masked + path + " answered " + status + ": "
                    + abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
        }
        return response.body();
    }

    private static String abbreviate(String s) {
        String m = Secrets.mask(s);
        return m.length() > 500 ? m.substring(0, 500) + "..." : m;
    }
}
