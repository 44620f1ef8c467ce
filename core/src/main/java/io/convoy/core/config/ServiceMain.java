package io.convoy.core.config;

import io.convoy.core.error.ConvoyException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The command line every long-running service shares: {@code [--config FILE] [--keys] [--help]}. {@code --keys}
 * prints the service's {@link KeyTables#keys keys table}; otherwise the Main's own wiring builds the service from
 * the file, a shutdown hook closes it on SIGTERM/SIGINT, and the process runs until it stops. A configuration
 * error is printed and exits with its error code's exit code; a bad argument exits 2.
 */
public final class ServiceMain {
    private ServiceMain() {}

    /** A service as its Main runs it. */
    public interface Service {
        void start();

        void close();

        void awaitStopped() throws InterruptedException;
    }

    /** Waits for something, interruptibly. */
    @FunctionalInterface
    public interface Wait {
        void await() throws InterruptedException;
    }

    /** A {@link Service} from a service's own methods. */
    public static Service service(Runnable start, Runnable close, Wait awaitStopped) {
        return new Service() {
            @Override public void start() { start.run(); }

            @Override public void close() { close.run(); }

            @Override public void awaitStopped() throws InterruptedException { awaitStopped.await(); }
        };
    }

    /** What a command line asks for. */
    public sealed interface Command {
        /** Build and run the service from {@code configFile}. */
        record Run(Optional<Path> configFile) implements Command {}

        /** Print {@code text} to standard output and end (keys table, help). */
        record Print(String text) implements Command {}

        /** A bad command line: print {@code error} and the usage to standard error, exit 2. */
        record Usage(String error, String usage) implements Command {}
    }

    /**
     * @param usage how the service is invoked, e.g. {@code planner [--config planner.yaml]}; {@code [--keys] [--help]}
     *              is appended
     */
    public static <K extends Enum<K> & DeclaredKey> Command parse(String[] args, String usage, Class<K> keys) {
        String fullUsage = "usage: " + usage + " [--keys] [--help]";
        Optional<Path> file = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        return new Command.Usage("--config needs a file", fullUsage);
                    }
                    file = Optional.of(Path.of(args[++i]));
                }
                case "--keys" -> {
                    return new Command.Print(KeyTables.keys(keys));
                }
                case "--help", "-h" -> {
                    return new Command.Print(fullUsage + System.lineSeparator());
                }
                default -> {
                    return new Command.Usage("unknown argument '" + args[i] + "'", fullUsage);
                }
            }
        }
        return new Command.Run(file);
    }

    /**
     * Runs a service Main: parses {@code args}, and for a run builds the service with {@code wiring} (given the
     * {@code --config} file), closes it from a shutdown hook named {@code shutdownThread}, starts it and waits until
     * it stopped.
     */
    public static <K extends Enum<K> & DeclaredKey> void run(String[] args, String usage, Class<K> keys,
                                                             String shutdownThread,
                                                             Function<Optional<Path>, Service> wiring)
            throws InterruptedException {
        Command command = parse(args, usage, keys);
        if (command instanceof Command.Print p) {
            System.out.print(p.text());
            return;
        }
        if (command instanceof Command.Usage u) {
            System.err.println(u.error());
            System.err.println(u.usage());
            System.exit(2);
            return;
        }
        Service service;
        try {
            service = wiring.apply(((Command.Run) command).configFile());
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, shutdownThread));
            service.start();
        } catch (ConvoyException e) {
            System.err.println(e);
            System.exit(e.code().exitCode());
            return;
        }
        service.awaitStopped();
    }
}
