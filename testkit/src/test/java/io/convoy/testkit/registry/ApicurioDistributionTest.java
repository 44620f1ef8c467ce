package io.convoy.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction of a distribution archive (small archives made here; the real one is used by EmbeddedRegistryIT). */
class ApicurioDistributionTest {
    private static final String RUNNER = "apicurio-registry-app-" + ApicurioDistribution.VERSION + "-runner.jar";

    @TempDir
    Path dir;

    @Test
    void extractsIntoPlaceAndLeavesNoTemporaryDirectory() throws IOException {
        Path archive = tarGz(Map.of(RUNNER, "runner", "lib/a.jar", "a", "lib/b.jar", "b"));
        Path target = dir.resolve("cache/apicurio");
        ApicurioDistribution.extract(archive, target);
        assertThat(target.resolve(RUNNER)).hasContent("runner");
        assertThat(target.resolve("lib/b.jar")).hasContent("b");
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertThat(siblings).containsExactly(target);
        }
    }

    @Test
    void refusesAnEntryThatEscapesTheTarget() throws IOException {
        Path archive = tarGz(Map.of(RUNNER, "runner", "../../evil.sh", "boom"));
        Path target = dir.resolve("cache/apicurio");
        assertThatThrownBy(() -> ApicurioDistribution.extract(archive, target))
                .hasMessageContaining("../../evil.sh")
                .hasMessageContaining("outside");
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("evil.sh")).doesNotExist();
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertThat(siblings).as("no half-extracted copy left").isEmpty();
        }
    }

    @Test
    void refusesAnArchiveWithoutTheRunner() throws IOException {
        Path archive = tarGz(Map.of("lib/a.jar", "a"));
        Path target = dir.resolve("cache/apicurio");
        assertThatThrownBy(() -> ApicurioDistribution.extract(archive, target)).hasMessageContaining(RUNNER);
        assertThat(target).doesNotExist();
    }

    @Test
    void anExtractedDirectoryIsFoundByTheSystemProperty() throws IOException {
        Path extracted = dir.resolve("extracted");
        Files.createDirectories(extracted);
        Files.writeString(extracted.resolve(RUNNER), "runner");
        String before = System.getProperty(ApicurioDistribution.DIST_PROPERTY);
        System.setProperty(ApicurioDistribution.DIST_PROPERTY, extracted.toString());
        try {
            assertThat(ApicurioDistribution.runnerJar()).isEqualTo(extracted.resolve(RUNNER));
        } finally {
            if (before == null) {
                System.clearProperty(ApicurioDistribution.DIST_PROPERTY);
            } else {
                System.setProperty(ApicurioDistribution.DIST_PROPERTY, before);
            }
        }
    }

    private Path tarGz(Map<String, String> files) throws IOException {
        Path archive = Files.createTempFile(dir, "dist", ".tar.gz");
        try (OutputStream out = Files.newOutputStream(archive);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey(), true);
                entry.setSize(bytes.length);
                tar.putArchiveEntry(entry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }
}
