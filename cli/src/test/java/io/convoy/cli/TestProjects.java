package io.convoy.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The example project, found from wherever the tests run, and throw-away copies of it. */
public final class TestProjects {
    private TestProjects() {}

    public static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples").resolve("scraper"))) {
                return p;
            }
        }
        throw new IllegalStateException("examples/scraper not found above " + Path.of("").toAbsolutePath());
    }

    public static Path example() {
        return repositoryRoot().resolve("examples").resolve("scraper");
    }

    /** A copy of examples/scraper in {@code target}, to edit freely. */
    public static Path copyOfExample(Path target) {
        Path from = example();
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path to = target.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The file of the revision whose file name starts with {@code prefix}. */
    public static Path revisionFile(Path project, String prefix) {
        try (Stream<Path> files = Files.list(project.resolve("versions"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
