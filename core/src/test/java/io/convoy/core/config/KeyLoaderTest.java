package io.convoy.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyLoaderTest {
    private static final KeyLoader<TestKey> LOADER = new KeyLoader<>(TestKey.class, "test");
    private static final Map<String, String> SERVERS = Map.of("CONVOY_TEST_SERVERS", "k:9092");

    @TempDir
    Path dir;

    private KeyedConfig<TestKey> load(Optional<Path> file, Map<String, String> env, Map<TestKey, String> overrides) {
        return LOADER.load(dir, file, env, overrides, k -> "--" + k.key());
    }

    @Test
    void defaultsFillEveryKeyNotSetAndSayWhereTheyCameFrom() {
        KeyedConfig<TestKey> c = load(Optional.empty(), SERVERS, Map.of());
        assertThat(c.settings()).hasSize(TestKey.values().length);
        assertThat(c.duration(TestKey.WAIT)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.setting(TestKey.WAIT).source()).isEqualTo(KeyedConfig.DEFAULT_SOURCE);
        assertThat(c.path(TestKey.DIR)).isEqualTo(dir.toAbsolutePath().resolve("state"));
        assertThat(c.string(TestKey.ID)).isEmpty();
        assertThat(c.file()).isEmpty();
    }

    @Test
    void fileThenEnvironmentThenOverridesWin() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path file = Files.writeString(etc.resolve("test.yaml"), """
                servers: file:9092
                wait: 10s
                dir: ../data
                retry:
                  attempts: 3
                id: from-file
                """);
        Map<TestKey, String> overrides = new EnumMap<>(TestKey.class);
        overrides.put(TestKey.ID, "from-flag");
        KeyedConfig<TestKey> c = load(Optional.of(file), Map.of("CONVOY_TEST_WAIT", "20s", "CONVOY_TEST_ID", "from-env"),
                overrides);
        assertThat(c.string(TestKey.SERVERS)).isEqualTo("file:9092");
        assertThat(c.setting(TestKey.SERVERS).source()).isEqualTo(file + ":1");
        assertThat(c.duration(TestKey.WAIT)).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.setting(TestKey.WAIT).source()).isEqualTo("env CONVOY_TEST_WAIT");
        assertThat(c.path(TestKey.DIR)).as("relative to the file's directory").isEqualTo(dir.toAbsolutePath().resolve("data"));
        assertThat(c.integer(TestKey.RETRY_ATTEMPTS)).as("nested mappings are dotted keys").isEqualTo(3);
        assertThat(c.setting(TestKey.RETRY_ATTEMPTS).source()).isEqualTo(file + ":5");
        assertThat(c.string(TestKey.ID)).isEqualTo("from-flag");
        assertThat(c.setting(TestKey.ID).source()).isEqualTo("--id");
        assertThat(c.file()).contains(file);
    }

    @Test
    void environmentPathsAreRelativeToTheWorkingDirectory() {
        KeyedConfig<TestKey> c = load(Optional.empty(), Map.of("CONVOY_TEST_SERVERS", "k", "CONVOY_TEST_DIR", "x/y"), Map.of());
        assertThat(c.path(TestKey.DIR)).isEqualTo(dir.toAbsolutePath().resolve("x/y"));
    }

    @Test
    void propertiesFilesHaveNoLineNumbers() throws Exception {
        Path file = Files.writeString(dir.resolve("test.properties"), "servers=p:9092\nretry.attempts=2\n");
        KeyedConfig<TestKey> c = load(Optional.of(file), Map.of(), Map.of());
        assertThat(c.integer(TestKey.RETRY_ATTEMPTS)).isEqualTo(2);
        assertThat(c.setting(TestKey.SERVERS).source()).isEqualTo(file.toString());
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineTheClosestKeyAndEveryKey() throws Exception {
        Path file = Files.writeString(dir.resolve("test.yaml"), "servers: k\nwiat: 1s\n");
        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessage("unknown key 'wiat' in " + file + ":2 (did you mean wait?); known keys: servers, registry, wait,"
                        + " dir, retry.attempts, id");
        assertThatThrownBy(() -> LOADER.key("nope", "the settings")).hasMessageStartingWith("unknown key 'nope' in the settings;");
        Path props = Files.writeString(dir.resolve("test.properties"), "servrs=k\n");
        assertThatThrownBy(() -> load(Optional.of(props), Map.of(), Map.of()))
                .hasMessageContaining("unknown key 'servrs' in " + props).hasMessageContaining("did you mean servers?");
    }

    @Test
    void aBadValueNamesKeyValueSourceAndWhatWasExpectedAndMasksPasswords() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("CONVOY_TEST_SERVERS", "k", "CONVOY_TEST_WAIT", "soon"), Map.of()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessage("invalid value 'soon' for wait (from env CONVOY_TEST_WAIT): expected a duration such as 500ms, 2s,"
                        + " 1min, 30d");
        assertThatThrownBy(() -> load(Optional.empty(), SERVERS, Map.of(TestKey.REGISTRY, "ftp://u:hunter2@reg")))
                .hasMessage("invalid value 'ftp://u:****@reg' for registry (from --registry): expected an http(s) URL");
    }

    @Test
    void requiredKeysAreNamedWithTheirVariableAndDoc() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessage("the test configuration lacks servers (CONVOY_TEST_SERVERS: bootstrap servers)");
    }

    @Test
    void fileProblemsAreNamedWithTheirLine() throws Exception {
        assertThatThrownBy(() -> load(Optional.of(dir.resolve("none.yaml")), SERVERS, Map.of()))
                .hasMessage("test configuration file " + dir.toAbsolutePath().resolve("none.yaml") + " does not exist");
        Path twice = Files.writeString(dir.resolve("twice.yaml"), "wait: 1s\nwait: 2s\n");
        assertThatThrownBy(() -> load(Optional.of(twice), SERVERS, Map.of())).hasMessageContaining("appears twice")
                .hasMessageContaining("lines 1 and 2");
        Path list = Files.writeString(dir.resolve("list.yaml"), "wait:\n  - 1s\n");
        assertThatThrownBy(() -> load(Optional.of(list), SERVERS, Map.of())).hasMessageContaining("takes a single value, not a list");
        Path mapping = Files.writeString(dir.resolve("mapping.yaml"), "wait:\n  x: 1s\n");
        assertThatThrownBy(() -> load(Optional.of(mapping), SERVERS, Map.of()))
                .hasMessageContaining("takes a single value, not a mapping");
        Path scalar = Files.writeString(dir.resolve("scalar.yaml"), "just text\n");
        assertThatThrownBy(() -> load(Optional.of(scalar), SERVERS, Map.of()))
                .hasMessageContaining(scalar + ":1: the test configuration must be a mapping of keys to values");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "wait: 1s\n  bad: [\n");
        assertThatThrownBy(() -> load(Optional.of(broken), SERVERS, Map.of())).hasMessageContaining("not valid YAML")
                .hasMessageContaining(broken + ":");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        assertThat(load(Optional.of(empty), SERVERS, Map.of()).duration(TestKey.WAIT)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aNullValueInTheFileLeavesTheDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("test.yaml"), "wait:\n");
        assertThat(load(Optional.of(file), SERVERS, Map.of()).setting(TestKey.WAIT).source()).isEqualTo("default");
    }

    @Test
    void environmentVariablesWithThePrefixThatAreNoKeyAreWarnedAbout() {
        KeyedConfig<TestKey> c = load(Optional.empty(), Map.of("CONVOY_TEST_SERVERS", "k", "CONVOY_TEST_WAT", "1s",
                "CONVOY_OTHER", "x", "PATH", "/bin"), Map.of());
        assertThat(c.warnings()).containsExactly(
                "environment variable CONVOY_TEST_WAT is not a test setting and is ignored (did you mean CONVOY_TEST_WAIT?)");
    }

    @Test
    void withReturnsAChangedCopyAndLeavesTheOriginal() {
        KeyedConfig<TestKey> c = load(Optional.empty(), SERVERS, Map.of());
        KeyedConfig<TestKey> d = c.with(TestKey.WAIT, "5s", "test", dir);
        assertThat(d.duration(TestKey.WAIT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.setting(TestKey.WAIT).source()).isEqualTo("test");
        assertThat(c.duration(TestKey.WAIT)).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> c.with(TestKey.RETRY_ATTEMPTS, "0", "test", dir)).hasMessageContaining("retry.attempts");
        assertThatThrownBy(() -> c.settings().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theEffectiveTableMasksPasswordsAndNamesSources() {
        KeyedConfig<TestKey> c = load(Optional.empty(), SERVERS, Map.of(TestKey.REGISTRY, "https://u:hunter2@reg"));
        assertThat(c.describe()).doesNotContain("hunter2").contains("https://u:****@reg").contains("(--registry)")
                .contains("(env CONVOY_TEST_SERVERS)");
        assertThat(c.describe().lines()).hasSize(TestKey.values().length);
        assertThat(c.toString()).doesNotContain("hunter2");
    }
}
