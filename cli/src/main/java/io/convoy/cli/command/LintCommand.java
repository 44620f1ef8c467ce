package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.lint.LintFormat;
import io.convoy.core.lint.LintReport;
import io.convoy.core.lint.Severity;
import io.convoy.core.lint.ShadowLinter;
import io.convoy.core.script.Revision;
import io.convoy.core.shadow.ShadowDatabase;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lint", description = {
        "Lint revisions on a throwaway PostgreSQL: replay what comes before, generate rows, run each statement and measure the locks it takes",
        "(pg_locks), table rewrites (relfilenode) and validation scans; plus static rules. Rules CV001-CV012 (see the README).",
        "Exit code: 0 clean or info only, 3 warnings, 17 (MIG007) error-level findings."})
public final class LintCommand extends AbstractCommand {
    /** Exit code when the worst finding is a warning. */
    public static final int WARNINGS_EXIT = 3;

    enum Format { text, json }

    @Parameters(arity = "0..1", paramLabel = "<range|revision>", defaultValue = "base:heads",
            description = "a start:end range (start excluded, as for upgrade) or one revision; default: base:heads (every revision)")
    String spec;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "output format (default: text)")
    Format format;

    @Option(names = "--rows", paramLabel = "<n>", defaultValue = "" + ShadowLinter.DEFAULT_ROWS,
            description = "rows generated per table in the shadow database (default: ${DEFAULT-VALUE})")
    int rows;

    @Override
    int execute() {
        if (rows < 0) {
            throw new ConvoyException(ErrorCode.MIG020, "--rows must be 0 or more, not " + rows);
        }
        Project project = project();
        RevisionGraph graph = project.graph();
        LintReport report;
        try (ShadowDatabase shadow = ShadowDatabase.start()) {
            ShadowLinter linter = new ShadowLinter(shadow, project.config().toApplyOptions(), root.context().clock(), rows);
            if (spec.contains(":")) {
                report = linter.lintRange(graph, spec);
            } else {
                Revision r = one(graph, spec, Set.of());
                report = linter.lint(graph, r.id(), x -> x.id().equals(r.id()));
            }
        }
        out().print(format == Format.json ? LintFormat.json(report) : LintFormat.text(report));
        out().flush();
        Severity worst = report.worst().orElse(Severity.INFO);
        if (worst == Severity.ERROR) {
            long n = report.findings().stream().filter(f -> f.severity() == Severity.ERROR).count();
            throw new ConvoyException(ErrorCode.MIG007, "lint found " + n + " error-level finding" + (n == 1 ? "" : "s") + " in "
                    + report.findings().stream().filter(f -> f.severity() == Severity.ERROR).map(f -> f.revision()).distinct()
                            .reduce((a, b) -> a + ", " + b).orElse(""));
        }
        return worst == Severity.WARNING ? WARNINGS_EXIT : 0;
    }
}
