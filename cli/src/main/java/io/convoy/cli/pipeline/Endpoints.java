package io.convoy.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.util.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the pipeline listens: Kafka bootstrap servers and the Confluent-API schema registry URL. Taken from the
 * flags, else from {@code .convoy/local.json} written by a running {@code convoy local}.
 */
public record Endpoints(String bootstrapServers, String schemaRegistryUrl, String source) {
    public static final String LOCAL_JSON = ".convoy/local.json";

    /** Flags first, then {@code .convoy/local.json} in {@code workingDirectory}; MIG020 when neither says. */
    public static Endpoints resolve(String bootstrapFlag, String registryFlag, Path workingDirectory) {
        Optional<Endpoints> local = fromLocalJson(workingDirectory.resolve(LOCAL_JSON));
        String bootstrap = bootstrapFlag != null ? bootstrapFlag : local.map(Endpoints::bootstrapServers).orElse(null);
        String registry = registryFlag != null ? registryFlag : local.map(Endpoints::schemaRegistryUrl).orElse(null);
        if (bootstrap == null || registry == null) {
            throw new ConvoyException(ErrorCode.MIG020, "where is the pipeline? give --bootstrap-servers and --schema-registry-url,"
                    + " or start `convoy local --keep-running` in this directory (it writes " + LOCAL_JSON + ")");
        }
        if (!registry.startsWith("http://") && !registry.startsWith("https://")) {
            throw new ConvoyException(ErrorCode.MIG020, "--schema-registry-url '" + Secrets.mask(registry) + "' is not an http(s) URL");
        }
        String source = bootstrapFlag != null && registryFlag != null ? "flags" : LOCAL_JSON;
        return new Endpoints(bootstrap, registry, source);
    }

    static Optional<Endpoints> fromLocalJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode doc = new ObjectMapper().readTree(file.toFile());
            if (!doc.path("running").asBoolean(false)) {
                return Optional.empty();
            }
            String bootstrap = doc.at("/kafka/bootstrapServers").asText(null);
            String registry = doc.at("/registry/url").asText(null);
            if (bootstrap == null || registry == null) {
                return Optional.empty();
            }
            return Optional.of(new Endpoints(bootstrap, registry, file.toString()));
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, file + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "Kafka " + bootstrapServers + ", registry " + Secrets.mask(schemaRegistryUrl) + " (from " + source + ")";
    }
}
