package io.convoy.core.catalog;

import java.util.Optional;

/** A schema (namespace). */
public record Schema(String name, Optional<String> comment) {}
