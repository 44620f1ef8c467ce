package io.convoy.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run run(Map<String, String> env, String... args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args, env);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void keysListsEverySetting() throws Exception {
        Run r = run(Map.of(), "--keys");
        assertThat(r.code()).isZero();
        for (ExecutorConfig.Key k : ExecutorConfig.Key.values()) {
            assertThat(r.out()).contains(k.key()).contains(k.envVar());
        }
    }

    @Test
    void aConfigurationErrorExitsWithItsCodeAndNoPassword() throws Exception {
        Run missing = run(Map.of());
        assertThat(missing.code()).isEqualTo(ErrorCode.MIG020.exitCode());
        assertThat(missing.err()).startsWith("MIG020: the executor configuration lacks bootstrap_servers");

        Path targets = dir.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n  a:\n    url: jdbc:postgresql://h/db?password=hunter2\n");
        Run bad = run(Map.of("CONVOY_EXECUTOR_BOOTSTRAP_SERVERS", "127.0.0.1:9", "CONVOY_EXECUTOR_SCHEMA_REGISTRY_URL", "http://127.0.0.1:9",
                "CONVOY_EXECUTOR_TARGETS_FILE", targets.toString()));
        assertThat(bad.code()).isEqualTo(ErrorCode.MIG020.exitCode());
        assertThat(bad.err()).contains("url carries a password").doesNotContain("hunter2");
        assertThat(run(Map.of(), "a", "b").code()).isEqualTo(2);
    }
}
