package io.convoy.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceMainTest {
    private static ServiceMain.Command parse(String... args) {
        return ServiceMain.parse(args, "test [--config test.yaml]", TestKey.class);
    }

    @Test
    void aRunTakesTheConfigFile() {
        assertThat(parse()).isEqualTo(new ServiceMain.Command.Run(Optional.empty()));
        assertThat(parse("--config", "t.yaml")).isEqualTo(new ServiceMain.Command.Run(Optional.of(Path.of("t.yaml"))));
        assertThat(parse("-c", "t.yaml")).isEqualTo(new ServiceMain.Command.Run(Optional.of(Path.of("t.yaml"))));
    }

    @Test
    void keysAndHelpArePrinted() {
        assertThat(parse("--keys")).isEqualTo(new ServiceMain.Command.Print(KeyTables.keys(TestKey.class)));
        assertThat(parse("--help")).isInstanceOfSatisfying(ServiceMain.Command.Print.class,
                p -> assertThat(p.text()).startsWith("usage: test [--config test.yaml] [--keys] [--help]"));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(parse("--config")).isInstanceOfSatisfying(ServiceMain.Command.Usage.class,
                u -> assertThat(u.error()).isEqualTo("--config needs a file"));
        assertThat(parse("--frobnicate")).isInstanceOfSatisfying(ServiceMain.Command.Usage.class, u -> {
            assertThat(u.error()).isEqualTo("unknown argument '--frobnicate'");
            assertThat(u.usage()).isEqualTo("usage: test [--config test.yaml] [--keys] [--help]");
        });
    }
}
