/**
 * The pipeline's contracts on Kafka: the topics ({@link io.convoy.schemas.Topics}), their Avro messages
 * ({@code io.convoy.schemas.avro}, generated from {@code src/main/avro}), the Confluent-wire-format serdes
 * ({@code io.convoy.schemas.serde}) and a small schema-registry client ({@code io.convoy.schemas.registry}).
 * Depends on no other Convoy module.
 */
package io.convoy.schemas;
