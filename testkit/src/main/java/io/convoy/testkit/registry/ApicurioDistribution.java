package io.convoy.testkit.registry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Apicurio Registry distribution (a tar.gz that Maven resolved while building testkit) and
 * extracts it once into a cache directory.
 */
final class ApicurioDistribution {
    private static final Logger LOG = LoggerFactory.getLogger(ApicurioDistribution.class);

    private static final Properties BUILD = buildProperties();
    /** The version testkit's pom names ({@code apicurio.version}). */
    static final String VERSION = BUILD.getProperty("version", "2.6.13.Final");
    static final String ARTIFACT = "apicurio-registry-app";
    /** System property: path of the distribution tar.gz, or of a directory where it is already extracted. */
    static final String DIST_PROPERTY = "convoy.apicurio.dist";
    /** System property: where extracted distributions are cached (default ~/.cache/convoy). */
    static final String CACHE_PROPERTY = "convoy.cache.dir";
    private static final String RUNNER = ARTIFACT + "-" + VERSION + "-runner.jar";
    private static final String RELATIVE_PATH = "io/apicurio/" + ARTIFACT + "/" + VERSION + "/" + ARTIFACT + "-" + VERSION + "-all.tar.gz";
    private static final Pattern LOCAL_REPOSITORY = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>");

    private ApicurioDistribution() {}

    private static Properties buildProperties() {
        Properties props = new Properties();
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream("apicurio.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            LOG.debug("cannot read apicurio.properties: {}", e.toString());
        }
        // unfiltered (e.g. run from an IDE without Maven's resource processing): ignore
        props.entrySet().removeIf(e -> String.valueOf(e.getValue()).contains("${"));
        return props;
    }

    /** The runner jar of an extracted distribution, extracting it first if needed. */
    static Path runnerJar() {
        Path dist = locate();
        if (Files.isDirectory(dist)) {
            return requireRunner(dist, dist + " (from -D" + DIST_PROPERTY + ")");
        }
        Path target = cacheRoot().resolve("apicurio-" + VERSION);
        if (!Files.isRegularFile(target.resolve(RUNNER))) {
            extract(dist, target);
        }
        return requireRunner(target, target.toString());
    }

    /**
     * Where the tar.gz (or an extracted directory) is: -Dconvoy.apicurio.dist, else where testkit's build resolved
     * it, else the local Maven repository (-Dmaven.repo.local, ~/.m2/settings.xml, ~/.m2/repository).
     */
    static Path locate() {
        List<Path> tried = new ArrayList<>();
        for (String candidate : new String[] {System.getProperty(DIST_PROPERTY), BUILD.getProperty("dist")}) {
            if (candidate != null && !candidate.isBlank()) {
                Path p = Paths.get(candidate.strip());
                if (Files.exists(p)) {
                    return p;
                }
                tried.add(p);
            }
        }
        for (Path repo : localRepositories()) {
            Path p = repo.resolve(RELATIVE_PATH);
            if (Files.isRegularFile(p)) {
                return p;
            }
            tried.add(p);
        }
        throw new IllegalStateException("Apicurio Registry " + VERSION + " distribution not found; looked at " + tried
                + ". Build the testkit module with Maven once (it resolves io.apicurio:" + ARTIFACT + ":" + VERSION
                + ":tar.gz:all into the local repository), or pass -D" + DIST_PROPERTY + "=<path to the tar.gz>");
    }

    private static List<Path> localRepositories() {
        List<Path> repos = new ArrayList<>();
        String fromProperty = System.getProperty("maven.repo.local");
        if (fromProperty != null && !fromProperty.isBlank()) {
            repos.add(Paths.get(fromProperty.strip()));
        }
        Path home = Paths.get(System.getProperty("user.home"));
        settingsRepository(home.resolve(".m2/settings.xml")).ifPresent(repos::add);
        repos.add(home.resolve(".m2/repository"));
        return repos;
    }

    private static Optional<Path> settingsRepository(Path settings) {
        if (!Files.isRegularFile(settings)) {
            return Optional.empty();
        }
        try {
            Matcher m = LOCAL_REPOSITORY.matcher(Files.readString(settings));
            if (m.find()) {
                String value = m.group(1).replace("${user.home}", System.getProperty("user.home"));
                return Optional.of(Paths.get(value));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read {}: {}", settings, e.toString());
        }
        return Optional.empty();
    }

    static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured.strip());
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("convoy");
    }

    /** Extracts into a temporary sibling directory, then renames it into place, so no half-extracted copy is ever used. */
    static void extract(Path archive, Path target) {
        long started = System.nanoTime();
        Path parent = target.getParent();
        Path temp;
        try {
            Files.createDirectories(parent);
            temp = Files.createTempDirectory(parent, target.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a cache directory under " + parent, e);
        }
        try {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                 TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = temp.resolve(entry.getName()).normalize();
                    if (!out.startsWith(temp)) {
                        throw new IOException("archive entry '" + entry.getName() + "' points outside the target directory");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isFile()) {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            if (!Files.isRegularFile(temp.resolve(RUNNER))) {
                throw new IOException(archive + " has no " + RUNNER + " at its top level");
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isRegularFile(target.resolve(RUNNER))) {
                    throw e;
                }
                // another process extracted it meanwhile: use theirs
                LOG.debug("{} appeared while extracting: keeping it", target);
            }
            LOG.info("extracted {} into {} in {} ms", archive.getFileName(), target, (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + archive + " into " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static Path requireRunner(Path dir, String where) {
        Path runner = dir.resolve(RUNNER);
        if (!Files.isRegularFile(runner)) {
            throw new IllegalStateException("no " + RUNNER + " in " + where);
        }
        return runner;
    }

    private static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
