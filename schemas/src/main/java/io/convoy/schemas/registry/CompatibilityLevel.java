package io.convoy.schemas.registry;

/** Compatibility levels of the Confluent schema-registry API ({@code PUT /config/{subject}}). */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
}
