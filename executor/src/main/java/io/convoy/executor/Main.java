package io.convoy.executor;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.util.Secrets;
import io.convoy.executor.step.StepGate;
import io.convoy.executor.targets.TargetsFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code convoy-executor [executor.yaml]}: runs one executor until SIGTERM/SIGINT. Configuration: the optional
 * YAML file, then {@code CONVOY_EXECUTOR_*} environment variables ({@code --keys} lists them). Exit codes:
 * 0 after a normal stop, the error code's exit code for a configuration error, 1 after a failure.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) throws InterruptedException {
        if (args.length > 1 || (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h")))) {
            System.err.println("usage: convoy-executor [executor.yaml]   (convoy-executor --keys lists the settings)");
            return args.length > 1 ? 2 : 0;
        }
        if (args.length == 1 && args[0].equals("--keys")) {
            System.out.print(ExecutorConfig.keysTable());
            return 0;
        }
        ExecutorService service;
        try {
            ExecutorConfig config = ExecutorConfig.load(args.length == 1 ? Optional.of(Path.of(args[0])) : Optional.empty(), env,
                    Path.of("").toAbsolutePath());
            TargetsFile targets = TargetsFile.load(config.targetsFile(), env);
            service = new ExecutorService(config, targets, Clock.systemUTC(), StepGate.OPEN);
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "convoy-executor-shutdown"));
            service.start();
        } catch (ConvoyException e) {
            System.err.println(Secrets.mask(e.toString()));
            return e.code().exitCode();
        } catch (RuntimeException e) {
            System.err.println("convoy-executor could not start: " + Secrets.mask(String.valueOf(e)));
            return 1;
        }
        while (!service.awaitTermination(Duration.ofDays(1))) {
            // runs until closed or failed
        }
        return service.failure().isPresent() ? 1 : 0;
    }
}
