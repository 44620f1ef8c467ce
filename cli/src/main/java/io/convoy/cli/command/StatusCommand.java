package io.convoy.cli.command;

import io.convoy.cli.Project;
import io.convoy.cli.pipeline.EventFormat;
import io.convoy.cli.pipeline.PipelineClient;
import io.convoy.cli.pipeline.PipelineOptions;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.schemas.avro.PlanEvent;
import io.convoy.schemas.avro.PlanStatus;
import io.convoy.schemas.avro.TargetState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = {"The fleet as the pipeline sees it: each target's heads (convoy.target-state), whether it is",
        "at the head of the project's revision graph, its plan in flight and its last error; ends with \"N of M at head\".",
        "Exit 0 when every target is at head, else MIG005's exit code."})
public final class StatusCommand extends AbstractCommand {
    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--project", paramLabel = "<dir>", description = "project directory whose head counts (default: the configured versions)")
    Path projectDir;

    @Override
    int execute() {
        PrintWriter out = out();
        RevisionGraph graph = projectDir == null ? project().graph()
                : new Project(root.config(root.context().workingDirectory().resolve(projectDir)), root.context().clock()).graph();
        Set<String> head = new TreeSet<>(graph.heads());
        PipelineClient.Snapshot snap = new PipelineClient(pipeline.resolve(root.context().workingDirectory())).snapshot();
        Map<String, PlanEvent> lastPerTarget = new HashMap<>();
        snap.planEvents().stream().filter(e -> e.getTargetId() != null)
                .sorted(Comparator.comparing(PlanEvent::getOccurredAt))
                .forEach(e -> lastPerTarget.put(e.getTargetId(), e));
        int atHead = 0;
        Map<String, TargetState> states = new TreeMap<>(snap.states());
        out.printf("%-14s %-8s %-28s %-40s %s%n", "TARGET", "AT HEAD", "HEADS", "IN FLIGHT", "LAST ERROR");
        for (TargetState s : states.values()) {
            boolean at = new TreeSet<>(s.getHeads()).equals(head);
            atHead += at ? 1 : 0;
            PlanEvent last = lastPerTarget.get(s.getTargetId());
            String flight = last != null && last.getStatus() == PlanStatus.ACCEPTED
                    ? "request " + last.getRequestId() + " (" + last.getStepCount() + " steps)" : "-";
            out.printf("%-14s %-8s %-28s %-40s %s%n", s.getTargetId(), at ? "yes" : "no", EventFormat.heads(List.copyOf(s.getHeads())),
                    flight, s.getLastErrorCode() == null ? "-" : s.getLastErrorCode());
        }
        out.println(atHead + " of " + states.size() + " at head (" + AbstractCommand.heads(head) + ")");
        return atHead == states.size() ? 0 : io.convoy.core.error.ErrorCode.MIG005.exitCode();
    }
}
