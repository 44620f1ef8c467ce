package io.convoy.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every message schema must read every earlier version of itself (BACKWARD: reader = current, writer = old), so
 * consumers can be upgraded before producers and old records stay readable. Earlier versions are kept under
 * {@code src/test/resources/avro-history/<Name>/v<N>.avsc}: when a schema changes, add its new version there.
 */
class SchemaCompatibilityTest {

    static Map<String, Schema> currentSchemas() {
        Map<String, Schema> schemas = new TreeMap<>();
        for (Topic<String, ?> topic : Topics.all()) {
            Schema schema = topic.valueSchema().orElseThrow();
            schemas.put(schema.getName(), schema);
        }
        return schemas;
    }

    static Path historyRoot() throws URISyntaxException {
        URL url = SchemaCompatibilityTest.class.getResource("/avro-history");
        assertThat(url).as("avro-history on the test class path").isNotNull();
        return Paths.get(url.toURI());
    }

    /** The check this test applies: can a reader with the {@code current} schema read data written with {@code previous}? */
    static SchemaCompatibility.SchemaPairCompatibility backward(Schema current, Schema previous) {
        return SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
    }

    @TestFactory
    Stream<DynamicTest> everyMessageReadsEveryEarlierVersionOfItself() throws Exception {
        Path root = historyRoot();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Schema> entry : currentSchemas().entrySet()) {
            Path dir = root.resolve(entry.getKey());
            List<Path> versions;
            try (Stream<Path> files = Files.list(dir)) {
                versions = files.filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc")).sorted().toList();
            } catch (IOException e) {
                throw new AssertionError("no schema history for " + entry.getKey() + ": add " + dir.resolve("v1.avsc"), e);
            }
            assertThat(versions).as("versions of " + entry.getKey()).isNotEmpty();
            for (Path version : versions) {
                tests.add(DynamicTest.dynamicTest(entry.getKey() + " reads " + version.getFileName(), () -> {
                    Schema previous = new Schema.Parser().parse(version.toFile());
                    SchemaCompatibility.SchemaPairCompatibility result = backward(entry.getValue(), previous);
                    assertThat(result.getType())
                            .as("%s cannot read data written with %s: %s", entry.getKey(), version,
                                    describe(result.getResult().getIncompatibilities()))
                            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void historyHoldsOnlyCurrentMessages() throws Exception {
        try (Stream<Path> dirs = Files.list(historyRoot())) {
            List<String> names = dirs.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).containsExactlyElementsOf(currentSchemas().keySet());
        }
    }

    @Test
    void theCheckBitesOnAFieldAddedWithoutDefault() throws Exception {
        Schema v1 = new Schema.Parser().parse(historyRoot().resolve("PlanEvent/v1.avsc").toFile());
        Schema withoutDefault = withExtraField(v1, new Schema.Field("region", Schema.create(Schema.Type.STRING), "added", null));
        Schema withDefault = withExtraField(v1, new Schema.Field("region", Schema.create(Schema.Type.STRING), "added", "global"));

        SchemaCompatibility.SchemaPairCompatibility bad = backward(withoutDefault, v1);
        assertThat(bad.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(bad.getResult().getIncompatibilities())
                .extracting(Incompatibility::getType)
                .containsExactly(SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
        assertThat(bad.getResult().getIncompatibilities().get(0).getMessage()).contains("region");

        assertThat(backward(withDefault, v1).getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void theCheckBitesOnARemovedEnumSymbolAndAChangedType() throws Exception {
        Schema v1 = new Schema.Parser().parse(historyRoot().resolve("PlanEvent/v1.avsc").toFile());
        String text = v1.toString()
                .replace("\"COMPLETED\",", "")
                .replace("{\"name\":\"step_count\",\"type\":[\"null\",\"int\"]", "{\"name\":\"step_count\",\"type\":[\"null\",\"string\"]");
        Schema changed = new Schema.Parser().parse(text);
        assertThat(changed.toString()).isNotEqualTo(v1.toString());
        assertThat(backward(changed, v1).getResult().getIncompatibilities())
                .extracting(Incompatibility::getType)
                .contains(SchemaIncompatibilityType.MISSING_ENUM_SYMBOLS, SchemaIncompatibilityType.MISSING_UNION_BRANCH);
    }

    private static Schema withExtraField(Schema record, Schema.Field extra) {
        List<Schema.Field> fields = record.getFields().stream()
                .map(f -> new Schema.Field(f, f.schema()))
                .collect(Collectors.toCollection(ArrayList::new));
        fields.add(extra);
        Schema copy = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false);
        copy.setFields(fields);
        return copy;
    }

    private static String describe(List<Incompatibility> incompatibilities) {
        return incompatibilities.stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .collect(Collectors.joining("; "));
    }
}
