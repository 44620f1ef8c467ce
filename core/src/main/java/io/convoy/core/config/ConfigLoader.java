package io.convoy.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link ConvoyConfig} from its layers ({@link KeyLoader}): defaults &lt; convoy.yaml &lt; CONVOY_*
 * environment variables &lt; command-line flags. Relative paths in convoy.yaml are relative to its directory;
 * relative paths from the environment or the command line are relative to the working directory.
 */
public final class ConfigLoader {
    public static final String FILE_NAME = "convoy.yaml";

    static final KeyLoader<ConfigKey> KEYS = new KeyLoader<>(ConfigKey.class, "Convoy");

    private ConfigLoader() {}

    /**
     * @param workingDirectory where {@code convoy.yaml} is looked for when {@code configFile} is empty
     * @param configFile       an explicit {@code --config} file (must exist)
     * @param env              the environment ({@code System.getenv()}); only CONVOY_* keys of the table are read
     * @param flags            values given on the command line
     */
    public static ConvoyConfig load(Path workingDirectory, Optional<Path> configFile, Map<String, String> env,
                                    Map<ConfigKey, String> flags) {
        return load(workingDirectory, configFile, env, flags, true);
    }

    static ConvoyConfig load(Path workingDirectory, Optional<Path> configFile, Map<String, String> env,
                             Map<ConfigKey, String> flags, boolean readFile) {
        Optional<Path> file = configFile;
        Path found = workingDirectory.toAbsolutePath().normalize().resolve(FILE_NAME);
        if (file.isEmpty() && readFile && Files.isRegularFile(found)) {
            file = Optional.of(found);
        }
        return new ConvoyConfig(KEYS.load(workingDirectory, file, env, flags, k -> k.flag().orElse(k.key())));
    }
}
