package io.convoy.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.cli.Cli;
import io.convoy.cli.CliContext;
import io.convoy.cli.CliRun;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code convoy submit --approve}: how the rule ids are parsed and checked before anything is sent. */
class SubmitApprovalsTest {
    @TempDir
    Path dir;

    private SubmitCommand parse(String... args) {
        CommandLine cl = Cli.commandLine(new CliContext(dir, Map.of(), Clock.systemUTC()), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        CommandLine.ParseResult result = cl.parseArgs(args);
        return (SubmitCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void severalRulesRepeatedOrCommaSeparatedAreKeptOnceEachInOrderAndUpperCased() {
        SubmitCommand c = parse("submit", "--target", "t1", "--approve", "CV002,cv007", "--approve", " VR001 ",
                "--approve", "CV002");
        assertThat(c.approvals).containsExactly("CV002", "cv007", " VR001 ", "CV002");
        assertThat(SubmitCommand.approvals(c.approvals)).containsExactly("CV002", "CV007", "VR001");
        assertThat(SubmitCommand.approvals(parse("submit", "--target", "t1").approvals)).isEmpty();
        assertThat(SubmitCommand.approvals(Arrays.asList("", " ", "CV013"))).containsExactly("CV013");
    }

    @Test
    void everyLintRuleAndTheRollbackRuleCanBeApproved() {
        assertThat(SubmitCommand.KNOWN_RULES).startsWith("CV001").contains("CV002", "CV013", "VR001").hasSize(14);
        assertThat(SubmitCommand.approvals(List.copyOf(SubmitCommand.KNOWN_RULES))).containsExactlyElementsOf(SubmitCommand.KNOWN_RULES);
    }

    @Test
    void anUnknownOrMalformedRuleIdIsAnArgumentErrorNamingIt() {
        assertThatThrownBy(() -> SubmitCommand.approvals(List.of("CV002", "CV02", "lint.add-column")))
                .isInstanceOfSatisfying(ConvoyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIG020);
                    assertThat(e.getMessage()).contains("--approve 'CV02', 'lint.add-column' are not rule ids")
                            .contains("CV001, CV002").contains("VR001");
                });
    }

    @Test
    void submitRefusesAnUnknownRuleBeforeContactingThePipeline() {
        // nothing listens on port 1: had submit tried to publish, it would fail with a connection error instead
        CliRun r = CliRun.run(dir, Map.of(), "submit", "--target", "t1", "--approve", "CV999", "--bootstrap-servers",
                "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ErrorCode.MIG020.exitCode());
        assertThat(r.err()).contains("MIG020").contains("--approve 'CV999' is not a rule id");
    }
}
