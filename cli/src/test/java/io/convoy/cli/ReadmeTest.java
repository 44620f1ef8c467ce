package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.cli.command.ConfigCommand;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's commands and tables are generated facts: keep them equal to the code. */
class ReadmeTest {
    private static final Path ROOT = TestProjects.repositoryRoot();

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    @Test
    void opensWithTheRunAndTestCommandsAndTheTestCommandIsCis() throws IOException {
        assertThat(readme()).startsWith("# Convoy\n\n```\nmvn -B -q -DskipTests package && ./convoy local\n```\n\n```\nmvn -B verify\n```\n");
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).contains("exec mvn -B verify\n");
    }

    @Test
    void configurationTableIsConvoyConfigKeys() throws IOException {
        assertThat(readme()).contains(ConfigCommand.keysTable());
    }

    @Test
    void everyErrorCodeIsDocumentedWithItsExitCode() throws IOException {
        String readme = readme();
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(readme).contains("| " + c.name() + " | " + c.exitCode() + " | " + c.meaning() + " | " + c.resolution() + " |");
        }
    }
}
