/** Real runtime parts (PostgreSQL primary + standby, Kafka, registry) for tests and convoy local, bound to 127.0.0.1. */
package io.convoy.testkit;
