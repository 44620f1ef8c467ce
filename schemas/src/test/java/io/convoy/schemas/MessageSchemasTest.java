package io.convoy.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** House rules of the message schemas: documented, in one namespace, nullable means "default null", times in millis. */
class MessageSchemasTest {

    @Test
    void everyRecordAndFieldIsDocumented() {
        for (Schema schema : SchemaCompatibilityTest.currentSchemas().values()) {
            forEachRecord(schema, new HashSet<>(), record -> {
                assertThat(record.getDoc()).as("doc of record %s", record.getFullName()).isNotBlank();
                for (Schema.Field field : record.getFields()) {
                    assertThat(field.doc()).as("doc of %s.%s", record.getName(), field.name()).isNotBlank();
                }
            });
        }
    }

    @Test
    void allNamedTypesLiveInOneNamespace() {
        for (Schema schema : SchemaCompatibilityTest.currentSchemas().values()) {
            forEachRecord(schema, new HashSet<>(), record -> {
                assertThat(record.getNamespace()).isEqualTo("io.convoy.schemas.avro");
                record.getFields().stream().map(Schema.Field::schema).filter(s -> s.getType() == Schema.Type.ENUM)
                        .forEach(e -> assertThat(e.getNamespace()).as(e.getName()).isEqualTo("io.convoy.schemas.avro"));
            });
        }
    }

    @Test
    void nullableFieldsDefaultToNull() {
        for (Schema schema : SchemaCompatibilityTest.currentSchemas().values()) {
            forEachRecord(schema, new HashSet<>(), record -> {
                for (Schema.Field field : record.getFields()) {
                    if (field.schema().isNullable()) {
                        assertThat(field.schema().getTypes().get(0).getType())
                                .as("%s.%s: null must come first in the union", record.getName(), field.name())
                                .isEqualTo(Schema.Type.NULL);
                        assertThat(field.defaultVal()).as("default of %s.%s", record.getName(), field.name())
                                .isEqualTo(JsonProperties.NULL_VALUE);
                    }
                }
            });
        }
    }

    @Test
    void timestampsAreMillisSinceEpoch() {
        int seen = 0;
        for (Schema schema : SchemaCompatibilityTest.currentSchemas().values()) {
            for (Schema.Field field : schema.getFields()) {
                if (field.name().endsWith("_at")) {
                    seen++;
                    assertThat(field.schema().getType()).as(field.name()).isEqualTo(Schema.Type.LONG);
                    assertThat(field.schema().getLogicalType()).as(field.name()).isEqualTo(LogicalTypes.timestampMillis());
                }
            }
        }
        // one per message, two for Alert (first_seen_at, updated_at)
        assertThat(seen).as("timestamps of the messages").isEqualTo(9);
    }

    private static void forEachRecord(Schema schema, Set<String> seen, java.util.function.Consumer<Schema> action) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    action.accept(schema);
                    schema.getFields().forEach(f -> forEachRecord(f.schema(), seen, action));
                }
            }
            case ARRAY -> forEachRecord(schema.getElementType(), seen, action);
            case MAP -> forEachRecord(schema.getValueType(), seen, action);
            case UNION -> schema.getTypes().forEach(s -> forEachRecord(s, seen, action));
            default -> { }
        }
    }
}
