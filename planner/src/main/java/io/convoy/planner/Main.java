package io.convoy.planner;

import io.convoy.core.config.ServiceMain;
import io.convoy.planner.config.PlannerConfig;
import java.nio.file.Path;

/**
 * Runs the planner: {@code java io.convoy.planner.Main [--config planner.yaml]}. Configuration: defaults &lt; the file
 * &lt; {@code CONVOY_PLANNER_*} environment variables; {@code --keys} prints every key with its default and meaning.
 * Stops on SIGTERM/SIGINT, committing what was processed.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(args, "planner [--config planner.yaml|planner.properties]", PlannerConfig.Key.class,
                "planner-shutdown", file -> {
                    PlannerService service = new PlannerService(PlannerConfig.load(Path.of(""), file, System.getenv()));
                    return ServiceMain.service(service::start, service::close, service::awaitStopped);
                });
    }
}
