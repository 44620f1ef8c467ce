package io.convoy.audit;

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
        if (docs.size() != json.size()) {
            throw new IllegalArgumentException(docs.size() + " documents but " + json.size() + " JSON texts");
        }
        if (docs.isEmpty()) {
            return new BulkResult(0, 0, List.of(), List.of());
        }
        String indexPart = "{\"create\":{\"_id\":";
        String streamPart = ",\"_index\":" + Canonical.JSON.getNodeFactory().textNode(dataStream) + "}}\n";
        int size = 0;
        for (String j : json) {
            size += j.length() + 96;
        }
        StringBuilder body = new StringBuilder(size);
        for (int i = 0; i < docs.size(); i++) {
            body.append(indexPart).append(Canonical.JSON.getNodeFactory().textNode(AuditFields.eventId(docs.get(i))))
                    .append(streamPart).append(json.get(i)).append('\n');
        }
        // only what is read back: the items' status and error (the full answer is several times larger)
        JsonNode answer = send("POST", "/_bulk?filter_path=errors,items.*.status,items.*.error", body.toString(), "application/x-ndjson");
        JsonNode items = answer.path("items");
        if (!items.isArray() || items.size() != docs.size()) {
            throw new TransientException("_bulk answer from " + masked + " has " + items.size() + " items for " + docs.size() + " documents", null);
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
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        authorization.ifPresent(a -> b.header("Authorization", a));
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TransientException(method + " " + masked + path + " failed: " + Secrets.mask(String.valueOf(e.getMessage())), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException(method + " " + masked + path + " interrupted", e);
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new TransientException(method + " " + masked + path + " answered " + status + ": " + abbreviate(response.body()), null);
        }
        if (status >= 400) {
            throw new IllegalStateException(method + " " + masked + path + " answered " + status + ": " + abbreviate(response.body()));
        }
        try {
            return response.body().isEmpty() ? Canonical.JSON.createObjectNode() : Canonical.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + masked + path + " answered non-JSON: " + abbreviate(response.body()), e);
        }
    }

    private static String abbreviate(String s) {
        String m = Secrets.mask(s);
        return m.length() > 500 ? m.substring(0, 500) + "..." : m;
    }
}
