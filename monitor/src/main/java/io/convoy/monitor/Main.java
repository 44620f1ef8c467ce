package io.convoy.monitor;

import io.convoy.core.config.ServiceMain;
import io.convoy.monitor.config.MonitorConfig;
import java.nio.file.Path;

/**
 * Runs the monitor: {@code java io.convoy.monitor.Main [--config monitor.yaml]}. Configuration: defaults &lt; the file
 * &lt; {@code CONVOY_MONITOR_*} environment variables; {@code --keys} prints every key with its default and meaning.
 * The clusters come from {@code clusters_file} (clusters.yaml). Stops on SIGTERM/SIGINT.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(args, "monitor [--config monitor.yaml]", MonitorConfig.Key.class, "monitor-shutdown", file -> {
            MonitorService service = new MonitorService(MonitorConfig.load(Path.of(""), file, System.getenv()));
            return ServiceMain.service(service::start, service::close, service::awaitStopped);
        });
    }
}
