package io.convoy.cli.command;

import io.convoy.cli.ConvoyCommand;
import io.convoy.cli.Project;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import java.io.PrintWriter;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every verb shares: the root's options, stdout, the project. */
abstract class AbstractCommand implements Callable<Integer> {
    @ParentCommand
    ConvoyCommand root;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Project project() {
        return new Project(root.config(), root.context().clock());
    }

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } finally {
            out().flush();
        }
    }

    abstract int execute() throws Exception;

    /** Resolves an identifier to exactly one revision (MIG011 when it names none or several). */
    static Revision one(RevisionGraph graph, String spec, Set<String> current) {
        Set<String> ids = graph.resolve(spec, current);
        if (ids.size() != 1) {
            throw new ConvoyException(ErrorCode.MIG011, "'" + spec + "' names " + (ids.isEmpty() ? "no revision (base)"
                    : ids.size() + " revisions (" + String.join(", ", new TreeSet<>(ids)) + ")") + "; give one revision");
        }
        return graph.get(ids.iterator().next());
    }

    static String heads(Set<String> ids) {
        return ids.isEmpty() ? "<base>" : String.join(", ", new TreeSet<>(ids));
    }
}
