package io.convoy.testkit.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.testkit.kafka.LoopbackOnly;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedOpenSearchIT {
    private static EmbeddedOpenSearch opensearch;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        opensearch = EmbeddedOpenSearch.start();
        System.out.println("EmbeddedOpenSearch start: " + opensearch.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stop() {
        if (opensearch != null) {
            opensearch.close();
        }
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(opensearch.httpUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", path.contains("_bulk") ? "application/x-ndjson" : "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersOnLoopbackOnly() throws Exception {
        assertThat(call("GET", "/", null).body()).contains("\"distribution\" : \"opensearch\"").contains("2.19");
        assertThat(LoopbackOnly.accepts(InetAddress.getLoopbackAddress(), opensearch.httpPort())).isTrue();
        Optional<InetAddress> other = LoopbackOnly.otherLocalAddress();
        if (other.isPresent()) {
            assertThat(LoopbackOnly.accepts(other.get(), opensearch.httpPort())).isFalse();
            assertThat(LoopbackOnly.accepts(other.get(), 9201)).as("the runner's default port").isFalse();
        }
    }

    @Test
    void dataStreamCreateIsIdempotentByIdWith409() throws Exception {
        String template = "{\"index_patterns\":[\"kit-ds*\"],\"data_stream\":{},\"template\":{\"mappings\":{\"dynamic\":\"strict\","
                + "\"properties\":{\"@timestamp\":{\"type\":\"date\"},\"n\":{\"type\":\"long\"}}}}}";
        assertThat(call("PUT", "/_index_template/kit-ds", template).statusCode()).isEqualTo(200);
        String bulk = "{\"create\":{\"_index\":\"kit-ds\",\"_id\":\"a\"}}\n{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"n\":1}\n";
        assertThat(call("POST", "/_bulk", bulk).body()).contains("\"status\":201");
        assertThat(call("POST", "/_bulk", bulk).body()).contains("\"status\":409");
        String strict = "{\"create\":{\"_index\":\"kit-ds\",\"_id\":\"b\"}}\n{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"other\":1}\n";
        assertThat(call("POST", "/_bulk", strict).body()).contains("\"status\":400").contains("strict_dynamic_mapping_exception");
    }
}
