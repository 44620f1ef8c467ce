package io.convoy.cli.command;

import io.convoy.cli.pipeline.EventFormat;
import io.convoy.cli.pipeline.PipelineClient;
import io.convoy.cli.pipeline.PipelineOptions;
import io.convoy.cli.pipeline.RequestFollower;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "watch", description = {"Follow plan events and step events live.",
        "With --request, show that request from its start and stop at its verdict (exit code as submit --wait)."})
public final class WatchCommand extends AbstractCommand {
    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--request", paramLabel = "<id>", description = "only this request")
    String request;

    @Option(names = "--timeout", paramLabel = "<duration>", description = "stop after this long (ISO-8601, e.g. PT10M; default: until Ctrl-C)")
    Duration timeout;

    @Override
    int execute() {
        PrintWriter out = out();
        PipelineClient client = new PipelineClient(pipeline.resolve(root.context().workingDirectory()));
        Duration limit = timeout != null ? timeout : Duration.ofDays(365);
        try (PipelineClient.Follow follow = client.follow(request != null)) {
            if (request != null) {
                RequestFollower follower = new RequestFollower(request, false);
                Optional<RequestFollower.Outcome> o = follow.until(follower, line -> {
                    out.println(line);
                    out.flush();
                }, limit);
                return o.map(RequestFollower.Outcome::exitCode).orElse(0);
            }
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                follow.poll(s -> out.println(s.getRequestId() + "  " + EventFormat.step(s)),
                        p -> out.println((p.getTargetId() == null ? "" : p.getRequestId() + "  ") + EventFormat.plan(p)));
                out.flush();
            }
            return 0;
        }
    }
}
