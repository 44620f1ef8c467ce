package io.convoy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.config.ConfigLoader;
import io.convoy.core.config.ConvoyConfig;
import io.convoy.core.script.Revision;
import io.convoy.core.script.ScriptDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The example project is what convoy local and the ITs run: it must keep the shapes it promises. */
class ExampleProjectTest {
    static final Path PROJECT = TestProjects.example();

    private static List<Revision> revisions() {
        ConvoyConfig config = ConfigLoader.load(PROJECT, Optional.empty(), Map.of(), Map.of());
        return new ScriptDirectory(config.versionsDirectory(), config.fileNameTemplate()).load();
    }

    @Test
    void configIsValidAndPointsAtTheVersions() {
        ConvoyConfig config = ConfigLoader.load(PROJECT, Optional.empty(), Map.of(), Map.of());
        assertThat(config.configFile()).contains(PROJECT.resolve("convoy.yaml"));
        assertThat(config.versionsDirectory()).isEqualTo(PROJECT.resolve("versions"));
        assertThat(config.url()).isEmpty();
    }

    @Test
    void hasTheShapesItPromises() {
        List<Revision> all = revisions();
        assertThat(all).hasSizeGreaterThanOrEqualTo(8);
        assertThat(all).filteredOn(Revision::isBase).hasSize(1);
        assertThat(all).filteredOn(Revision::isMerge).hasSize(1);
        assertThat(all).filteredOn(r -> !r.branchLabels().isEmpty()).isNotEmpty();
        assertThat(all).filteredOn(r -> !r.dependsOn().isEmpty()).isNotEmpty();
        // a branch point: two revisions share a parent
        Map<String, Long> children = all.stream().flatMap(r -> r.downRevisions().stream())
                .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
        assertThat(children.values()).contains(2L);
        Revision concurrent = all.stream().filter(r -> !r.transactional()).findFirst().orElseThrow();
        assertThat(concurrent.upgrade()).allMatch(s -> s.contains("CREATE INDEX CONCURRENTLY"));
        assertThat(concurrent.downgrade()).allMatch(s -> s.contains("DROP INDEX CONCURRENTLY"));
        // real downgrades everywhere but the merge point
        assertThat(all).filteredOn(r -> !r.isMerge()).allSatisfy(r -> {
            assertThat(r.hasDowngrade()).as(r.id()).isTrue();
            assertThat(r.downgrade()).as(r.id()).isNotEmpty();
        });
        // dollar-quoted bodies survive the splitter whole
        assertThat(all).flatMap(Revision::upgrade).filteredOn(s -> s.contains("$$") || s.contains("$body$"))
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(s -> assertThat(s).containsPattern("(?s)^CREATE FUNCTION.*\\$(body)?\\$$"));
    }
}
