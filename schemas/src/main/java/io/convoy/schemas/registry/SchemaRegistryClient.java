package io.convoy.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small client of the Confluent schema-registry REST API (Confluent, Apicurio {@code /apis/ccompat/v7},
 * Karapace), for Avro schemas.
 *
 * <p>Answers are cached: schema → id per subject (from register and lookup) and id → schema, so a
 * serde asks the registry once per schema. Credentials in the base URL ({@code http://user:pw@host/...})
 * are sent as HTTP basic authentication and masked in every message. Failures throw
 * {@link SchemaRegistryException}. Thread-safe.
 */
public final class SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private static final Pattern USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@]*)@(.*)$");
    private static final int MAX_BODY_IN_MESSAGE = 500;
    private static final String EXPECTED_URL = "expected an http(s) URL with a host, like http://127.0.0.1:8081/apis/ccompat/v7";

    private final URI baseUri;
    private final String maskedBaseUrl;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** A client with the default timeouts. */
    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param baseUrl        e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}; may carry {@code user:password@}
     * @param connectTimeout time allowed to open a connection
     * @param requestTimeout time allowed for one request to answer
     */
    public SchemaRegistryClient(String baseUrl, Duration connectTimeout, Duration requestTimeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        String trimmed = baseUrl.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        Matcher m = USERINFO.matcher(trimmed);
        String withoutUserInfo = trimmed;
        Optional<String> auth = Optional.empty();
        String masked = trimmed;
        if (m.matches()) {
            String userInfo = m.group(2);
            withoutUserInfo = m.group(1) + m.group(3);
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            masked = m.group(1) + (colon < 0 ? user : user + ":****") + "@" + m.group(3);
            String decoded = java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
            auth = Optional.of("Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)));
        }
        this.maskedBaseUrl = masked;
        try {
            this.baseUri = URI.create(withoutUserInfo + "/");
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException("schema registry URL '" + masked + "' is not a valid URL (" + e.getMessage() + "); " + EXPECTED_URL,
                    SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_ERROR_CODE, null);
        }
        String scheme = baseUri.getScheme();
        if (baseUri.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new SchemaRegistryException("schema registry URL '" + masked + "' is not usable: " + EXPECTED_URL,
                    SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_ERROR_CODE, null);
        }
        this.authorization = auth;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    /** The base URL with any password masked, for messages and logs. */
    public String baseUrl() {
        return maskedBaseUrl;
    }

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and returns its
     * global id. Registering a schema again returns the same id; the answer is cached.
     */
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "subjects/" + encode(subject) + "/versions", schemaBody(schema),
                "subject '" + subject + "'");
        int id = requiredInt(answer, "id", "subject '" + subject + "'");
        remember(subject, schema, id);
        return id;
    }

    /**
     * Registers schema text as given, without parsing it here: the registry judges it (an invalid schema gets
     * HTTP 422). For tools that register {@code .avsc} files; not cached.
     */
    public int register(String subject, String schemaText) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schemaText, "schemaText");
        JsonNode answer = send("POST", "subjects/" + encode(subject) + "/versions",
                json.createObjectNode().put("schema", schemaText), "subject '" + subject + "'");
        return requiredInt(answer, "id", "subject '" + subject + "'");
    }

    /**
     * The id of {@code schema} if it is already registered under {@code subject} ({@code POST /subjects/{subject}}),
     * empty if the subject or the schema is unknown. For serdes that must not register schemas themselves.
     */
    public OptionalInt lookup(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return OptionalInt.of(cached);
        }
        try {
            JsonNode answer = send("POST", "subjects/" + encode(subject), schemaBody(schema), "subject '" + subject + "'");
            int id = requiredInt(answer, "id", "subject '" + subject + "'");
            remember(subject, schema, id);
            return OptionalInt.of(id);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    /** The schema with the given global id ({@code GET /schemas/ids/{id}}); cached. 404 if unknown. */
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        String what = "schema id " + id;
        JsonNode answer = send("GET", "schemas/ids/" + id, null, what);
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw failure(what, "GET schemas/ids/" + id, 200, SchemaRegistryException.NO_ERROR_CODE,
                    "is a " + type.asText() + " schema, not Avro", null);
        }
        String text = requiredText(answer, "schema", what);
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw failure(what, "GET schemas/ids/" + id, 200, SchemaRegistryException.NO_ERROR_CODE,
                    "is not a valid Avro schema: " + e.getMessage(), e);
        }
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    /**
     * Whether {@code schema} may be registered as the next version of {@code subject} under the subject's
     * compatibility level ({@code POST /compatibility/subjects/{subject}/versions/latest}). A subject that
     * does not exist yet accepts any schema.
     */
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                    schemaBody(schema), "subject '" + subject + "'");
            JsonNode compatible = answer.get("is_compatible");
            if (compatible == null || !compatible.isBoolean()) {
                throw failure("subject '" + subject + "'", "POST compatibility/subjects/" + subject + "/versions/latest",
                        200, SchemaRegistryException.NO_ERROR_CODE, "answered without 'is_compatible': " + abbreviate(answer.toString()), null);
            }
            List<String> messages = new ArrayList<>();
            JsonNode m = answer.get("messages"); // Confluent
            if (m != null && m.isArray()) {
                m.forEach(node -> messages.add(node.asText()));
            }
            JsonNode reason = answer.get("reason"); // Apicurio
            if (reason != null && reason.isTextual() && !reason.asText().isBlank()) {
                messages.add(reason.asText());
            }
            return new CompatibilityResult(compatible.asBoolean(), messages);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return new CompatibilityResult(true, List.of());
            }
            throw e;
        }
    }

    /** Sets the compatibility level of one subject ({@code PUT /config/{subject}}). */
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level.name());
        send("PUT", "config/" + encode(subject), body, "subject '" + subject + "'");
    }

    /** All subjects known to the registry ({@code GET /subjects}). */
    public List<String> subjects() {
        JsonNode answer = send("GET", "subjects", null, "subjects");
        List<String> subjects = new ArrayList<>();
        answer.forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    private Integer cachedId(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        Map<Schema, Integer> ids = idsBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private ObjectNode schemaBody(Schema schema) {
        return json.createObjectNode().put("schema", schema.toString());
    }

    private JsonNode send(String method, String path, JsonNode body, String what) {
        URI uri = baseUri.resolve(path);
        String request = method + " " + path;
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(a -> builder.header("Authorization", a));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry " + maskedBaseUrl + " is unreachable (" + request + " for "
                    + what + "): " + describe(e), SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_ERROR_CODE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while waiting for schema registry " + maskedBaseUrl + " ("
                    + request + " for " + what + ")", SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_ERROR_CODE, e);
        }
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        JsonNode answer = null;
        try {
            answer = text.isBlank() ? json.nullNode() : json.readTree(text);
        } catch (IOException e) {
            if (status / 100 == 2) {
                throw failure(what, request, status, SchemaRegistryException.NO_ERROR_CODE,
                        "answered with a body that is not JSON: " + abbreviate(text), e);
            }
        }
        if (status / 100 != 2) {
            int errorCode = SchemaRegistryException.NO_ERROR_CODE;
            String message = abbreviate(text);
            if (answer != null && answer.isObject()) {
                JsonNode code = answer.get("error_code");
                if (code != null && code.canConvertToInt()) {
                    errorCode = code.asInt();
                }
                JsonNode msg = answer.get("message");
                if (msg != null && !msg.isNull()) {
                    message = msg.asText();
                }
            }
            String detail = "answered HTTP " + status
                    + (errorCode != SchemaRegistryException.NO_ERROR_CODE ? " (error " + errorCode + ")" : "")
                    + (message.isBlank() ? "" : ": " + message);
            throw failure(what, request, status, errorCode, detail, null);
        }
        return answer;
    }

    private SchemaRegistryException failure(String what, String request, int status, int errorCode, String detail, Throwable cause) {
        return new SchemaRegistryException("schema registry " + maskedBaseUrl + " " + request + " for " + what + ": " + detail,
                status, errorCode, cause);
    }

    private int requiredInt(JsonNode answer, String field, String what) {
        JsonNode node = answer == null ? null : answer.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new SchemaRegistryException("schema registry " + maskedBaseUrl + " answered for " + what + " without '"
                    + field + "': " + abbreviate(String.valueOf(answer)), 200, SchemaRegistryException.NO_ERROR_CODE, null);
        }
        return node.asInt();
    }

    private String requiredText(JsonNode answer, String field, String what) {
        JsonNode node = answer == null ? null : answer.get(field);
        if (node == null || !node.isTextual()) {
            throw new SchemaRegistryException("schema registry " + maskedBaseUrl + " answered for " + what + " without '"
                    + field + "': " + abbreviate(String.valueOf(answer)), 200, SchemaRegistryException.NO_ERROR_CODE, null);
        }
        return node.asText();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " " + message);
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_BODY_IN_MESSAGE ? oneLine : oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient[" + maskedBaseUrl + "]";
    }
}
