package io.convoy.core.catalog;

/** An installed extension; the objects it owns are not part of the catalog. */
public record Extension(String name, String schema, String version) {}
