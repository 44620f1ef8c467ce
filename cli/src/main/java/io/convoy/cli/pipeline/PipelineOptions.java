package io.convoy.cli.pipeline;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of every verb that talks to the pipeline. */
public final class PipelineOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "<host:port>",
            description = "Kafka bootstrap servers (default: from .convoy/local.json of a running convoy local)")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "<url>",
            description = "Confluent-API schema registry URL (default: from .convoy/local.json of a running convoy local)")
    String schemaRegistryUrl;

    public Endpoints resolve(Path workingDirectory) {
        return Endpoints.resolve(bootstrapServers, schemaRegistryUrl, workingDirectory);
    }
}
