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

    private final KeySpec spec;

    TestKey(String key, ValueType type, String defaultValue, String doc) {
        spec = new KeySpec(key, type, defaultValue, doc);
    }

    @Override public KeySpec spec() { return spec; }

    @Override public String envPrefix() { return "CONVOY_TEST_"; }
}
