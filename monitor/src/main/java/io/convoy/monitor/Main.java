package io.convoy.monitor;

import io.convoy.core.error.ConvoyException;
import io.convoy.monitor.config.MonitorConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs the monitor: {@code java io.convoy.monitor.Main [--config monitor.yaml]}. Configuration: defaults &lt; the file
 * &lt; {@code CONVOY_MONITOR_*} environment variables; {@code --keys} prints every key with its default and meaning.
 * The clusters come from {@code clusters_file} (clusters.yaml). Stops on SIGTERM/SIGINT.
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
        MonitorService service;
        try {
            MonitorConfig config = MonitorConfig.load(Path.of(""), file, System.getenv());
            service = new MonitorService(config);
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "monitor-shutdown"));
            service.start();
        } catch (ConvoyException e) {
            System.err.println(e);
            System.exit(e.code().exitCode());
            return;
        }
        service.awaitStopped();
    }

    private static void printKeys() {
        for (MonitorConfig.Key k : MonitorConfig.Key.values()) {
            System.out.printf("%-26s %-42s default %-40s %s%n", k.key(), k.envVar(), k.defaultValue().isEmpty() ? "\"\"" : k.defaultValue(), k.doc());
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println(error);
        }
        (error == null ? System.out : System.err).println("usage: monitor [--config monitor.yaml] [--keys] [--help]");
        if (error != null) {
            System.exit(2);
        }
    }
}
