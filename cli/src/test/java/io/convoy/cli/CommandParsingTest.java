package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.cli.command.ConfigCommand;
import io.convoy.core.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandParsingTest {
    @TempDir
    Path dir;

    private CliRun run(String... args) {
        return CliRun.run(dir, Map.of(), args);
    }

    @Test
    void everyVerbHasHelp() {
        for (String verb : List.of("init", "revision", "merge", "upgrade", "downgrade", "stamp", "current", "history",
                "heads", "branches", "show", "check", "config", "local")) {
            CliRun r = run(verb, "--help");
            assertThat(r.exitCode()).as(verb).isZero();
            assertThat(r.out()).as(verb).contains("Usage: convoy " + verb).contains("--url");
        }
        CliRun top = run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("upgrade").contains("downgrade").contains("local").contains("--lock-timeout");
    }

    @Test
    void versionIsPrinted() {
        CliRun r = run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("convoy ").doesNotContain("unknown");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run().exitCode()).isEqualTo(2);
        assertThat(run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(run("revision").exitCode()).isEqualTo(2);
        assertThat(run("revision").err()).contains("-m");
        assertThat(run("downgrade").exitCode()).isEqualTo(2);
        assertThat(run("upgrade", "--no-such-flag").exitCode()).isEqualTo(2);
    }

    @Test
    void configFlagsWorkBeforeAndAfterTheVerbAndOverrideEnvAndFile() throws IOException {
        Files.writeString(dir.resolve("convoy.yaml"), "lock_timeout: 7s\nstatement_timeout: 1min\n");
        CliRun before = run("--lock-timeout", "3s", "config");
        assertThat(before.exitCode()).as(before.toString()).isZero();
        assertThat(before.out()).containsPattern("lock_timeout\\s+3s\\s+\\(--lock-timeout\\)");
        CliRun after = CliRun.run(dir, Map.of("CONVOY_RETRY_MAX_ATTEMPTS", "9"), "config", "--lock-timeout=4s");
        assertThat(after.out()).containsPattern("lock_timeout\\s+4s\\s+\\(--lock-timeout\\)")
                .containsPattern("statement_timeout\\s+1min\\s+\\(.*convoy.yaml:2\\)")
                .containsPattern("retry.max_attempts\\s+9\\s+\\(env CONVOY_RETRY_MAX_ATTEMPTS\\)")
                .containsPattern("retry.initial_backoff\\s+1s\\s+\\(default\\)");
    }

    @Test
    void aMistypedEnvironmentVariableIsWarnedAbout() {
        CliRun r = CliRun.run(dir, Map.of("CONVOY_LOCK_TIMEOT", "5s"), "config");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEqualTo("warning: environment variable CONVOY_LOCK_TIMEOT is not a Convoy setting and is ignored"
                + " (did you mean CONVOY_LOCK_TIMEOUT?)\n");
    }

    @Test
    void configMasksSecrets() {
        CliRun r = CliRun.run(dir, Map.of("CONVOY_PASSWORD", "pw-env-secret"),
                "config", "--url", "jdbc:postgresql://u:pw-in-url@db:5432/app?password=pw-param");
        assertThat(r.exitCode()).isZero();
        assertThat(r.all()).doesNotContain("pw-env-secret").doesNotContain("pw-in-url").doesNotContain("pw-param");
        assertThat(r.out()).contains("password").contains("****");
    }

    @Test
    void badConfigValueIsMig020WithExit30() throws IOException {
        Files.writeString(dir.resolve("convoy.yaml"), "url: jdbc:postgresql://db/app\nlock_timeout: soonish\n");
        CliRun r = run("config");
        assertThat(r.exitCode()).isEqualTo(30);
        assertThat(r.err()).startsWith("MIG020: invalid value 'soonish' for lock_timeout (from ")
                .contains("convoy.yaml:2").contains("hint: fix the value named in the message");
        Files.writeString(dir.resolve("convoy.yaml"), "lock_timout: 2s\n");
        assertThat(run("config").err()).contains("unknown key 'lock_timout'").contains("convoy.yaml:1");
    }

    @Test
    void keysTableListsEveryKey() {
        CliRun r = run("config", "--keys");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(ConfigCommand.keysTable());
        for (ConfigKey k : ConfigKey.values()) {
            assertThat(r.out()).contains("`" + k.key() + "`").contains(k.envVar()).contains(k.doc());
        }
    }

    @Test
    void initCreatesConfigAndVersionsAndRefusesToOverwrite() throws IOException {
        CliRun r = run("init");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(dir.resolve("versions")).isDirectory();
        assertThat(dir.resolve("convoy.yaml")).exists();
        // the generated file is valid configuration: every key commented out but versions
        assertThat(run("config").exitCode()).isZero();
        assertThat(run("config").out()).containsPattern("versions\\s+\\S+versions\\s+\\(.*convoy.yaml:\\d+\\)");
        CliRun again = run("init");
        assertThat(again.exitCode()).isEqualTo(30);
        assertThat(again.err()).contains("already exists");
    }

    @Test
    void missingUrlIsAClearConfigErrorForDatabaseVerbsOnly() throws IOException {
        Files.createDirectories(dir.resolve("versions"));
        for (String verb : List.of("check", "current", "upgrade", "stamp")) {
            CliRun r = verb.equals("stamp") ? run(verb, "base") : run(verb);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(30);
            assertThat(r.err()).contains("no database URL").contains("CONVOY_URL");
        }
        assertThat(run("heads").exitCode()).isZero();
        assertThat(run("history").exitCode()).isZero();
    }

    @Test
    void downgradeSqlNeedsARange() throws IOException {
        Files.createDirectories(dir.resolve("versions"));
        CliRun r = run("downgrade", "--sql", "base");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(30);
        assertThat(r.err()).contains("<from>:<to>");
    }

    @Test
    void missingVersionsDirectoryIsReported() {
        CliRun r = run("heads");
        assertThat(r.exitCode()).isEqualTo(30);
        assertThat(r.err()).contains("versions directory").contains("does not exist").contains("convoy init");
    }

    @Test
    void unexpectedExceptionsAreMig099WithExit70AndAStackTraceOnlyWhenVerbose() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Cli.commandLine(new CliContext(dir, Map.of(), java.time.Clock.systemUTC()),
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        cl.addSubcommand("boom", new picocli.CommandLine(new Boom()));
        assertThat(cl.execute("boom")).isEqualTo(70);
        assertThat(err.toString()).startsWith("MIG099: internal error: java.lang.IllegalStateException: jdbc:postgresql://db/x?password=****")
                .contains("run with --verbose").contains("hint: report it with the log").doesNotContain("\tat ").doesNotContain("hunter2");
        err.getBuffer().setLength(0);
        assertThat(cl.execute("-v", "boom")).isEqualTo(70);
        assertThat(err.toString()).contains("\tat io.convoy.cli.CommandParsingTest$Boom.call").doesNotContain("hunter2");
    }

    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("jdbc:postgresql://db/x?password=hunter2");
        }
    }
}
