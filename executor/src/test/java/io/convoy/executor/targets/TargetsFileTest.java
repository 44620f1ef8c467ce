package io.convoy.executor.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsFileTest {
    private static final String SECRET = "pw-0f3c9d";

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("targets.yaml");
        Files.writeString(f, text);
        return f;
    }

    private AbstractThrowableAssert<?, ? extends Throwable> fails(String text, Map<String, String> env) throws IOException {
        Path f = file(text);
        return assertThatThrownBy(() -> TargetsFile.load(f, env)).isInstanceOf(ConvoyException.class)
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining(f.toString());
    }

    @Test
    void readsTargetsWithPasswordsFromTheEnvironmentAndFromFiles() throws IOException {
        Files.writeString(dir.resolve("us.pw"), SECRET + "-us\nignored second line\n");
        Path f = file("""
                targets:
                  orders-eu-1:
                    url: jdbc:postgresql://10.0.0.5:5432/orders
                    user: convoy
                    password_env: EU_PW
                  orders-us-1:
                    url: jdbc:postgresql://10.1.0.5:5432/orders?user=convoy
                    password_file: us.pw
                  local:
                    url: jdbc:postgresql://127.0.0.1/app?user=me
                """);
        TargetsFile t = TargetsFile.load(f, Map.of("EU_PW", SECRET));
        assertThat(t.targets()).containsOnlyKeys("orders-eu-1", "orders-us-1", "local");
        Target eu = t.get("orders-eu-1").orElseThrow();
        assertThat(eu.user()).contains("convoy");
        assertThat(eu.password().orElseThrow().reveal()).isEqualTo(SECRET);
        assertThat(eu.password().orElseThrow().origin()).isEqualTo("env EU_PW");
        Target us = t.get("orders-us-1").orElseThrow();
        assertThat(us.password().orElseThrow().reveal()).isEqualTo(SECRET + "-us");
        assertThat(us.user()).isEmpty();
        assertThat(t.get("local").orElseThrow().password()).isEmpty();
        assertThat(t.get("nope")).isEmpty();
    }

    @Test
    void passwordsNeverPrint() throws IOException {
        Path f = file("targets:\n  a:\n    url: jdbc:postgresql://h/db\n    user: u\n    password_env: PW\n");
        TargetsFile t = TargetsFile.load(f, Map.of("PW", SECRET));
        Target a = t.get("a").orElseThrow();
        assertThat(a.toString()).doesNotContain(SECRET).contains("****");
        assertThat(t.toString()).doesNotContain(SECRET);
        assertThat(a.connectionSource().describe()).doesNotContain(SECRET).contains("target a");
    }

    @Test
    void inlinePasswordsAreRefused() throws IOException {
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db\n    password: " + SECRET + "\n", Map.of())
                .hasMessageContaining("target 'a' has an inline 'password'").hasMessageNotContaining(SECRET);
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db?user=u&password=" + SECRET + "\n", Map.of())
                .hasMessageContaining("url carries a password").hasMessageNotContaining(SECRET);
        fails("targets:\n  a:\n    url: jdbc:postgresql://u:" + SECRET + "@h/db\n", Map.of())
                .hasMessageContaining("url carries a password").hasMessageNotContaining(SECRET);
    }

    @Test
    void missingPasswordSourcesNameTheEntry() throws IOException {
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db\n    password_env: NOT_SET\n", Map.of())
                .hasMessageContaining("target 'a' password_env names the environment variable NOT_SET, which is not set");
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db\n    password_env: EMPTY\n", Map.of("EMPTY", ""))
                .hasMessageContaining("which is empty");
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db\n    password_file: missing.pw\n", Map.of())
                .hasMessageContaining("password_file").hasMessageContaining("missing.pw does not exist");
        Files.writeString(dir.resolve("empty.pw"), "\n");
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db\n    password_file: empty.pw\n", Map.of())
                .hasMessageContaining("is empty");
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db\n    password_env: X\n    password_file: y\n", Map.of("X", "1"))
                .hasMessageContaining("both password_env and password_file");
    }

    @Test
    void malformedFilesAndEntriesAreNamed() throws IOException {
        fails("", Map.of()).hasMessageContaining("is empty");
        fails("targets: [a, b]\n", Map.of()).hasMessageContaining("'targets' must be a mapping");
        fails("targets:\n", Map.of()).hasMessageContaining("lists no targets");
        fails("other: 1\ntargets:\n  a:\n    url: jdbc:postgresql://h/db\n", Map.of()).hasMessageContaining("unknown top-level key(s) [other]");
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db\n    pasword_env: X\n", Map.of())
                .hasMessageContaining("target 'a' has unknown key(s) [pasword_env]");
        fails("targets:\n  a:\n    user: u\n", Map.of()).hasMessageContaining("target 'a' has no 'url'");
        fails("targets:\n  a:\n    url: jdbc:mysql://h/db\n", Map.of()).hasMessageContaining("jdbc:postgresql:");
        fails("targets:\n  a: jdbc:postgresql://h/db\n", Map.of()).hasMessageContaining("target 'a' must be a mapping");
        fails("targets:\n  'bad id':\n    url: jdbc:postgresql://h/db\n", Map.of()).hasMessageContaining("target id 'bad id' is not valid");
        fails("targets:\n  a:\n    url: jdbc:postgresql://h/db\n  a:\n    url: jdbc:postgresql://h/db2\n", Map.of())
                .hasMessageContaining("not valid YAML").hasMessageContaining("Duplicate field 'a'");
        fails("targets:\n  a:\n    url: [x]\n", Map.of()).hasMessageContaining("'url' must be a single value");
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> TargetsFile.load(f, Map.of())).isInstanceOf(ConvoyException.class)
                .hasMessage("targets file " + f + " does not exist");
    }
}
