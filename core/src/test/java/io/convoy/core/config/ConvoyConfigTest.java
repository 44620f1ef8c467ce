package io.convoy.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvoyConfigTest {
    @TempDir
    Path dir;

    private ConvoyConfig load(Map<String, String> env, Map<ConfigKey, String> flags) {
        return ConfigLoader.load(dir, Optional.empty(), env, flags);
    }

    private void yaml(String text) throws IOException {
        Files.writeString(dir.resolve("convoy.yaml"), text);
    }

    @Test
    void defaultsMatchApplyOptionsDefaults() {
        ConvoyConfig c = load(Map.of(), Map.of());
        ApplyOptions expected = ApplyOptions.defaults();
        ApplyOptions actual = c.toApplyOptions();
        assertThat(actual.versionSchema()).isEqualTo(expected.versionSchema());
        assertThat(actual.lockTimeout()).isEqualTo(expected.lockTimeout());
        assertThat(actual.statementTimeout()).isEqualTo(expected.statementTimeout());
        assertThat(actual.maxAttempts()).isEqualTo(expected.maxAttempts());
        assertThat(actual.initialBackoff()).isEqualTo(expected.initialBackoff());
        assertThat(actual.maxBackoff()).isEqualTo(expected.maxBackoff());
        assertThat(actual.migrationLockWait()).isEqualTo(expected.migrationLockWait());
        assertThat(actual.applicationName()).isEqualTo(expected.applicationName());
        assertThat(c.versionsDirectory()).isEqualTo(dir.toAbsolutePath().resolve("versions"));
        assertThat(c.url()).isEmpty();
        assertThat(c.configFile()).isEmpty();
        assertThat(c.settings()).allSatisfy(s -> assertThat(s.source()).isEqualTo("default"));
    }

    @Test
    void layersOverrideInOrderAndRecordTheirSource() throws IOException {
        yaml("""
                url: jdbc:postgresql://db/app
                lock_timeout: 3s
                statement_timeout: 1min
                retry:
                  max_attempts: 7
                  initial_backoff: 200ms
                """);
        ConvoyConfig c = load(
                Map.of("CONVOY_LOCK_TIMEOUT", "4s", "CONVOY_RETRY_MAX_ATTEMPTS", "9", "UNRELATED", "x"),
                Map.of(ConfigKey.LOCK_TIMEOUT, "500ms"));
        assertThat(c.url()).contains("jdbc:postgresql://db/app");
        assertThat(c.setting(ConfigKey.URL).source()).endsWith("convoy.yaml:1");
        assertThat(c.lockTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.setting(ConfigKey.LOCK_TIMEOUT).source()).isEqualTo("--lock-timeout");
        assertThat(c.statementTimeout()).contains(Duration.ofMinutes(1));
        assertThat(c.retryMaxAttempts()).isEqualTo(9);
        assertThat(c.setting(ConfigKey.RETRY_MAX_ATTEMPTS).source()).isEqualTo("env CONVOY_RETRY_MAX_ATTEMPTS");
        assertThat(c.retryInitialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.setting(ConfigKey.RETRY_INITIAL_BACKOFF).source()).endsWith("convoy.yaml:6");
        assertThat(c.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.toApplyOptions().maxAttempts()).isEqualTo(9);
    }

    @Test
    void dottedKeysAreAcceptedToo() throws IOException {
        yaml("retry.max_backoff: 5s\n");
        assertThat(load(Map.of(), Map.of()).retryMaxBackoff()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void unknownKeyNamesKeyFileAndLineAndSuggests() throws IOException {
        yaml("url: jdbc:postgresql://db/app\nlock_timout: 2s\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("'lock_timout'")
                .hasMessageContaining(dir.resolve("convoy.yaml") + ":2")
                .hasMessageContaining("did you mean lock_timeout?");
    }

    @Test
    void unknownNestedKeyIsReportedWithItsDottedName() throws IOException {
        yaml("retry:\n  max_attempts: 3\n  jitter: 0.5\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of()))
                .hasMessageContaining("'retry.jitter'")
                .hasMessageContaining("convoy.yaml:3");
    }

    @Test
    void badValueNamesKeyValueAndSource() throws IOException {
        yaml("lock_timeout: soon\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("'soon'")
                .hasMessageContaining("lock_timeout")
                .hasMessageContaining("convoy.yaml:1");
        assertThatThrownBy(() -> ConfigLoader.load(dir, Optional.of(dir.resolve("none.yaml")), Map.of(), Map.of()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void badEnvAndFlagValuesNameTheirSource() {
        assertThatThrownBy(() -> load(Map.of("CONVOY_RETRY_MAX_ATTEMPTS", "0"), Map.of()))
                .hasMessageContaining("'0'").hasMessageContaining("retry.max_attempts")
                .hasMessageContaining("env CONVOY_RETRY_MAX_ATTEMPTS");
        assertThatThrownBy(() -> load(Map.of(), Map.of(ConfigKey.VERSION_SCHEMA, "Bad-Schema")))
                .hasMessageContaining("'Bad-Schema'").hasMessageContaining("--version-schema");
        assertThatThrownBy(() -> load(Map.of(), Map.of(ConfigKey.FILE_TEMPLATE, "%(slug)s")))
                .hasMessageContaining("%(rev)s");
        assertThatThrownBy(() -> load(Map.of(), Map.of(ConfigKey.FILE_TEMPLATE, "%(rev)s_%(nope)s")))
                .hasMessageContaining("%(nope)s");
        assertThatThrownBy(() -> load(Map.of(), Map.of(ConfigKey.TICKET_PATTERN, "[A-Z")))
                .hasMessageContaining("ticket_pattern");
        assertThatThrownBy(() -> load(Map.of(), Map.of(ConfigKey.URL, "postgres://x/y")))
                .hasMessageContaining("jdbc:postgresql:");
    }

    @Test
    void invalidYamlAndListsAndDuplicatesAreRejectedWithLines() throws IOException {
        yaml("url: [a, b]\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of())).hasMessageContaining("not a list");
        yaml("lock_timeout: 1s\nlock_timeout: 2s\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of())).hasMessageContaining("appears twice").hasMessageContaining("lines 1 and 2");
        yaml("url: x\n  bad: : indentation\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining("convoy.yaml:");
        yaml("- just\n- a list\n");
        assertThatThrownBy(() -> load(Map.of(), Map.of())).hasMessageContaining("must be a mapping");
    }

    @Test
    void emptyFileAndNullValuesKeepDefaults() throws IOException {
        yaml("# nothing yet\nurl:\n");
        ConvoyConfig c = load(Map.of(), Map.of());
        assertThat(c.url()).isEmpty();
        assertThat(c.configFile()).contains(dir.resolve("convoy.yaml"));
    }

    @Test
    void passwordsAreNeverDisplayedAndUrlsAreMasked() throws IOException {
        Path pw = dir.resolve("pw.txt");
        Files.writeString(pw, "s3cr3t-from-file\n");
        yaml("url: jdbc:postgresql://db/app?user=u&password=hunter2\npassword_file: pw.txt\n");
        ConvoyConfig c = load(Map.of(), Map.of());
        assertThat(c.password()).contains("s3cr3t-from-file");
        assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("s3cr3t");
        assertThat(ConvoyConfig.display(c.setting(ConfigKey.URL))).isEqualTo("jdbc:postgresql://db/app?user=u&password=****");
        assertThat(c.connectionSource().describe()).doesNotContain("hunter2");

        ConvoyConfig env = load(Map.of("CONVOY_PASSWORD", "from-env"), Map.of());
        assertThat(env.password()).contains("from-env");
        assertThat(ConvoyConfig.display(env.setting(ConfigKey.PASSWORD))).isEqualTo("****");

        assertThatThrownBy(() -> load(Map.of("CONVOY_URL", "mysql://u:hunter2@db/x"), Map.of()))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void missingPasswordFileIsAConfigError() throws IOException {
        yaml("password_file: missing.txt\n");
        ConvoyConfig c = load(Map.of(), Map.of());
        assertThatThrownBy(c::password).hasMessageContaining("password_file").hasMessageContaining("missing.txt");
    }

    @Test
    void relativePathsInTheFileAreRelativeToItsDirectory() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("project"));
        Files.writeString(sub.resolve("my.yaml"), "versions: migrations\n");
        ConvoyConfig c = ConfigLoader.load(dir, Optional.of(Path.of("project/my.yaml")), Map.of(), Map.of());
        assertThat(c.versionsDirectory()).isEqualTo(sub.toAbsolutePath().resolve("migrations"));
        ConvoyConfig flag = ConfigLoader.load(dir, Optional.of(Path.of("project/my.yaml")), Map.of(),
                Map.of(ConfigKey.VERSIONS, "elsewhere"));
        assertThat(flag.versionsDirectory()).isEqualTo(dir.toAbsolutePath().resolve("elsewhere"));
    }

    @Test
    void statementTimeoutOffAndTicketPatternFeedTheTemplate() {
        ConvoyConfig c = load(Map.of("CONVOY_STATEMENT_TIMEOUT", "off", "CONVOY_TICKET_PATTERN", "[A-Z]+-\\d+"), Map.of());
        assertThat(c.statementTimeout()).isEmpty();
        assertThat(c.fileNameTemplate().ticketPattern()).get().extracting(p -> p.matcher("add x TICKET-12").find()).isEqualTo(true);
        assertThat(c.fileNameTemplate().template()).isEqualTo("%(rev)s_%(slug)s");
    }

    @Test
    void everyKeyHasDocAndDerivedNames() {
        for (ConfigKey k : ConfigKey.values()) {
            assertThat(k.doc()).isNotBlank();
            assertThat(k.envVar()).matches("CONVOY_[A-Z_]+");
            assertThat(ConfigKey.byName(k.key())).contains(k);
        }
        assertThat(ConfigKey.RETRY_MAX_ATTEMPTS.envVar()).isEqualTo("CONVOY_RETRY_MAX_ATTEMPTS");
        assertThat(ConfigKey.RETRY_MAX_ATTEMPTS.flag()).contains("--retry-max-attempts");
        assertThat(ConfigKey.PASSWORD.flag()).isEmpty();
    }

    @Test
    void withReplacesOneKey() {
        ConvoyConfig c = load(Map.of(), Map.of()).with(ConfigKey.URL, "jdbc:postgresql://127.0.0.1:5/x", "convoy local", dir);
        assertThat(c.url()).contains("jdbc:postgresql://127.0.0.1:5/x");
        assertThat(c.setting(ConfigKey.URL).source()).isEqualTo("convoy local");
    }

    @Test
    void unknownConvoyEnvironmentVariablesAreWarnedAboutNotFatal() {
        ConvoyConfig c = load(Map.of("CONVOY_LOCKTIMEOUT", "1s", "CONVOY_URL", "jdbc:postgresql://db/app", "HOME", "/root"), Map.of());
        assertThat(c.warnings()).containsExactly(
                "environment variable CONVOY_LOCKTIMEOUT is not a Convoy setting and is ignored (did you mean CONVOY_LOCK_TIMEOUT?)");
        assertThat(c.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(load(Map.of(), Map.of()).warnings()).isEmpty();
    }
}
