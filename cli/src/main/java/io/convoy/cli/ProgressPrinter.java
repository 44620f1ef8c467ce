package io.convoy.cli;

import io.convoy.core.apply.MigrationEvent;
import io.convoy.core.apply.MigrationEvent.StatementApplied;
import io.convoy.core.apply.MigrationEvent.StepApplied;
import io.convoy.core.apply.MigrationEvent.StepFailed;
import io.convoy.core.apply.MigrationEvent.StepResumed;
import io.convoy.core.apply.MigrationEvent.StepRetrying;
import io.convoy.core.apply.MigrationEvent.StepStarted;
import io.convoy.core.apply.MigrationEvent.WaitingForMigrationLock;
import io.convoy.core.config.Durations;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.util.Secrets;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Live progress of an online upgrade/downgrade, one line per revision:
 * {@code → upgrade 1a2b3c4d5e6f add users … applied in 12 ms}, with retry and waiting-for-lock lines.
 */
public final class ProgressPrinter implements Consumer<MigrationEvent> {
    private final PrintWriter out;
    private final boolean verbose;
    private final String indent;
    private boolean lineOpen;

    public ProgressPrinter(PrintWriter out, boolean verbose, String indent) {
        this.out = out;
        this.verbose = verbose;
        this.indent = indent;
    }

    private static String head(MigrationStep step) {
        return step.direction().verb() + " " + step.revision().id() + " " + step.revision().message();
    }

    private void closeLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    private void line(String text) {
        closeLine();
        out.println(indent + Secrets.mask(text));
        out.flush();
    }

    @Override
    public synchronized void accept(MigrationEvent event) {
        if (event instanceof StepStarted e) {
            closeLine();
            out.print(indent + "→ " + head(e.step()) + (e.attempt() > 1 ? " (attempt " + e.attempt() + ")" : "") + " … ");
            out.flush();
            lineOpen = true;
        } else if (event instanceof StepResumed e) {
            if (lineOpen) {
                out.print("resuming after " + e.completedStatements() + " completed statements … ");
                out.flush();
            } else {
                line("  resuming " + e.step().revision().id() + " after " + e.completedStatements() + " completed statements");
            }
        } else if (event instanceof StatementApplied e) {
            if (verbose) {
                line("    statement " + e.index() + "/" + e.count() + " in " + Durations.human(e.duration()));
            }
        } else if (event instanceof MigrationEvent.BatchProgress e) {
            if (verbose || e.status().finished() || e.status().waitingForLag().isPresent()) {
                line("    batched statement " + e.index() + "/" + e.count() + ": " + e.status().describe());
            }
        } else if (event instanceof StepRetrying e) {
            line("  ↻ " + e.cause().code().name() + " " + e.cause().code().title() + " on attempt " + e.attempt()
                    + ": " + e.cause().getMessage() + " — rolled back, retrying in " + Durations.human(e.backoff()));
        } else if (event instanceof WaitingForMigrationLock e) {
            line("… waiting for the migration lock on " + e.database() + ", held by another run ("
                    + Durations.human(e.waited()) + " of " + Durations.human(e.limit()) + ")");
        } else if (event instanceof StepApplied e) {
            String done = "applied in " + Durations.human(e.duration()) + (e.attempts() > 1 ? " after " + e.attempts() + " attempts" : "");
            if (lineOpen) {
                out.println(done);
                lineOpen = false;
                out.flush();
            } else {
                line("→ " + head(e.step()) + " … " + done);
            }
        } else if (event instanceof StepFailed e) {
            String failed = "FAILED after " + e.attempts() + (e.attempts() == 1 ? " attempt" : " attempts") + ": " + e.cause().code().name();
            if (lineOpen) {
                out.println(failed);
                lineOpen = false;
                out.flush();
            } else {
                line("→ " + head(e.step()) + " … " + failed);
            }
        }
    }

    /** Ends an open line (call before printing anything else). */
    public synchronized void finish() {
        closeLine();
        out.flush();
    }
}
