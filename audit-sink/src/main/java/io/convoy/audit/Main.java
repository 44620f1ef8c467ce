package io.convoy.audit;

import io.convoy.core.config.KeyTables;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.util.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java io.convoy.audit.Main [audit.properties]}: runs the audit sink until SIGTERM. Settings: the properties
 * file (keys of {@link AuditConfig.Key}) over {@code CONVOY_AUDIT_*} environment variables over defaults.
 * Exit codes: 0 after a clean stop, the error code's exit code for a start failure, 1 when the sink stops on its own.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && args[0].equals("--keys")) {
            System.out.print(keysTable());
            return;
        }
        if (args.length > 1 || (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h")))) {
            System.err.println("usage: java io.convoy.audit.Main [audit.properties]   (--keys lists the settings)");
            System.exit(args.length > 1 ? 2 : 0);
            return;
        }
        AuditSinkService sink;
        try {
            Map<String, String> values = new HashMap<>();
            if (args.length > 0) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
                    p.load(r);
                } catch (IOException e) {
                    System.err.println("cannot read " + args[0] + ": " + e.getMessage());
                    System.exit(2);
                    return;
                }
                p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
            }
            sink = new AuditSinkService(AuditConfig.from(values, System.getenv()), Clock.systemUTC());
            sink.start();
        } catch (ConvoyException e) {
            System.err.println(e.getMessage());
            System.exit(e.code().exitCode());
            return;
        } catch (RuntimeException e) {
            System.err.println("audit sink failed to start: " + Secrets.mask(String.valueOf(e.getMessage())));
            System.exit(1);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        AuditSinkService running = sink;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            done.countDown();
        }, "convoy-audit-shutdown"));
        while (running.isRunning()) {
            if (done.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                return;
            }
        }
        System.err.println("audit sink stopped: " + running.failure().map(t -> Secrets.mask(String.valueOf(t.getMessage()))).orElse("?"));
        Runtime.getRuntime().halt(1);
    }

    /** Every setting: key, environment variable, default, meaning. */
    static String keysTable() {
        return KeyTables.keys(AuditConfig.Key.class);
    }
}
