package io.convoy.planner;

import io.convoy.core.error.ConvoyException;
import io.convoy.planner.config.PlannerConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs the planner: {@code java io.convoy.planner.Main [--config planner.yaml]}. Configuration: defaults &lt; the file
 * &lt; {@code CONVOY_PLANNER_*} environment variables; {@code --keys} prints every key with its default and meaning.
 * Stops on SIGTERM/SIGINT, committing what was processed.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        Optional<Path> file = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    file = Optional.of(Path.of(args[++i]));
                }
                case "--keys" -> {
                    printKeys();
                    return;
                }
                case "--help", "-h" -> {
                    usage(null);
                    return;
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        PlannerService service;
        try {
            PlannerConfig config = PlannerConfig.load(Path.of(""), file, System.getenv());
            service = new PlannerService(config);
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "planner-shutdown"));
            service.start();
        } catch (ConvoyException e) {
            System.err.println(e);
            System.exit(e.code().exitCode());
            return;
        }
        service.awaitStopped();
    }

    private static void printKeys() {
        for (PlannerConfig.Key k : PlannerConfig.Key.values()) {
            System.out.printf("%-22s %-38s default %-40s %s%n", k.key(), k.envVar(), k.defaultValue(), k.doc());
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println(error);
        }
        (error == null ? System.out : System.err).println(
                "usage: planner [--config planner.yaml|planner.properties] [--keys] [--help]");
        if (error != null) {
            System.exit(2);
        }
    }
}
