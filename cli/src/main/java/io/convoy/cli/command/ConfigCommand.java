package io.convoy.cli.command;

import io.convoy.core.config.ConfigKey;
import io.convoy.core.config.ConvoyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "config", description = "Print the effective configuration and where each value comes from (secrets masked).")
public final class ConfigCommand extends AbstractCommand {
    @Option(names = "--keys", description = "list every key with its environment variable, flag, default and meaning (Markdown table)")
    boolean keys;

    @Override
    int execute() {
        if (keys) {
            out().print(keysTable());
            return 0;
        }
        ConvoyConfig c = root.config();
        out().println("config file: " + c.configFile().map(Object::toString).orElse("(none)"));
        int w = 0;
        int v = 0;
        for (ConvoyConfig.Setting s : c.settings()) {
            w = Math.max(w, s.key().key().length());
            v = Math.max(v, ConvoyConfig.display(s).length());
        }
        for (ConvoyConfig.Setting s : c.settings()) {
            out().printf("%-" + w + "s  %-" + v + "s  (%s)%n", s.key().key(), ConvoyConfig.display(s), s.source());
        }
        return 0;
    }

    /** The README's configuration table. */
    public static String keysTable() {
        StringBuilder b = new StringBuilder("| key | environment | flag | default | meaning |\n|---|---|---|---|---|\n");
        for (ConfigKey k : ConfigKey.values()) {
            b.append("| `").append(k.key()).append("` | `").append(k.envVar()).append("` | ")
                    .append(k.flag().map(f -> "`" + f + "`").orElse("—")).append(" | ")
                    .append(k.defaultValue().map(d -> "`" + d + "`").orElse("—")).append(" | ")
                    .append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
