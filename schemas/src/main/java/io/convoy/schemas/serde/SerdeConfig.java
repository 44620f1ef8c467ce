package io.convoy.schemas.serde;

import io.convoy.schemas.registry.SchemaRegistryClient;
import java.util.Objects;

/**
 * What the Avro serdes need: the registry client (shared by all serdes of a process, so its caches are
 * shared too) and whether a serializer may register its schema itself.
 *
 * @param registry     the schema-registry client
 * @param autoRegister true: the serializer registers its schema under the subject on first use;
 *                     false: the schema must already be registered (else every send fails)
 */
public record SerdeConfig(SchemaRegistryClient registry, boolean autoRegister) {
    public SerdeConfig {
        Objects.requireNonNull(registry, "registry");
    }

    /** Auto-registering configuration. */
    public static SerdeConfig of(SchemaRegistryClient registry) {
        return new SerdeConfig(registry, true);
    }
}
