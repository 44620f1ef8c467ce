package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.rollback.RollbackResult;
import io.convoy.core.rollback.RollbackVerifier;
import io.convoy.core.shadow.ShadowDatabase;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "verify-rollback", description = {
        "Verify downgrades on a throwaway PostgreSQL (the stairway): for each revision, upgrade, downgrade, compare the schema with the one",
        "before the upgrade, upgrade again. Reports each revision whose downgrade does not restore the schema, with the difference.",
        "Exit code: 0 every downgrade restores its schema, 18 (MIG008) otherwise."})
public final class VerifyRollbackCommand extends AbstractCommand {
    @Parameters(arity = "0..1", paramLabel = "<range>", defaultValue = "base:heads",
            description = "a start:end range (start excluded, as for upgrade); default: base:heads (every revision)")
    String range;

    @Override
    int execute() {
        Project project = project();
        List<RollbackResult> results;
        try (ShadowDatabase shadow = ShadowDatabase.start()) {
            results = new RollbackVerifier(shadow, project.config().toApplyOptions(), root.context().clock())
                    .verifyRange(project.graph(), range);
        }
        for (RollbackResult r : results) {
            out().println((r.ok() ? "ok   " : "FAIL ") + r.revision());
            r.failure().ifPresent(f -> out().println("  " + f));
            if (!r.differences().isEmpty()) {
                out().println("  after the downgrade the schema differs from before the upgrade:");
                r.differences().forEach(d -> out().println("    " + d));
            }
        }
        List<String> failed = results.stream().filter(r -> !r.ok()).map(RollbackResult::revision).toList();
        out().println("Verified " + results.size() + (results.size() == 1 ? " revision" : " revisions") + ": "
                + (results.size() - failed.size()) + " ok, " + failed.size() + " failed");
        if (!failed.isEmpty()) {
            out().flush();
            throw new ConvoyException(ErrorCode.MIG008, "the downgrade of " + failed.stream().collect(Collectors.joining(", "))
                    + " does not restore the schema");
        }
        return 0;
    }
}
