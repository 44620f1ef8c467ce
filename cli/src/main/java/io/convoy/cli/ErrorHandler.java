package io.convoy.cli;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.util.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception into {@code MIG0xx: message} plus the code's resolution on stderr and the
 * code's exit code; anything unexpected becomes MIG099 (exit 70). Everything printed is masked.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    private final ConvoyCommand root;

    ErrorHandler(ConvoyCommand root) {
        this.root = root;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        CommandLine rootLine = commandLine.getCommandSpec().root().commandLine();
        PrintWriter err = rootLine.getErr();
        commandLine.getOut().flush();
        rootLine.getOut().flush();
        ConvoyException ce = ex instanceof ConvoyException c ? c
                : new ConvoyException(ErrorCode.MIG099, "internal error: " + ex.getClass().getName()
                        + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                        + (root.verbose() ? "" : " (run with --verbose for the stack trace)"), ex);
        err.println(Secrets.mask(ce.code().name() + ": " + ce.getMessage()));
        ce.sqlState().ifPresent(s -> err.println("  SQLSTATE " + s));
        err.println("  hint: " + ce.code().resolution());
        if (root.verbose()) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            err.print(Secrets.mask(trace.toString()));
        }
        err.flush();
        return ce.code().exitCode();
    }
}
