package io.convoy.core.config;

import java.util.Optional;

/** Keys of a made-up service, for the tests of the shared mechanism. */
enum TestKey implements DeclaredKey {
    SERVERS("servers", ValueType.STRING, null, "bootstrap servers"),
    REGISTRY("registry", ValueType.HTTP_URL, "http://127.0.0.1:8081", "registry URL"),
    WAIT("wait", ValueType.DURATION, "2s", "how long to wait"),
    DIR("dir", ValueType.PATH, "state", "state directory"),
    RETRY_ATTEMPTS("retry.attempts", ValueType.POSITIVE_INT, "5", "attempts"),
    ID("id", ValueType.OPTIONAL_STRING, "", "who we are; empty = the host");

    private final String key;
    private final ValueType type;
    private final String defaultValue;
    private final String doc;

    TestKey(String key, ValueType type, String defaultValue, String doc) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    @Override public String key() { return key; }

    @Override public ValueType type() { return type; }

    @Override public Optional<String> defaultValue() { return Optional.ofNullable(defaultValue); }

    @Override public String doc() { return doc; }

    @Override public String envPrefix() { return "CONVOY_TEST_"; }
}
