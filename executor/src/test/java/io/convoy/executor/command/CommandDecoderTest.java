package io.convoy.executor.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ErrorCode;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.Statement;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.registry.SchemaRegistryException;
import io.convoy.schemas.serde.AvroSerde;
import io.convoy.schemas.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class CommandDecoderTest {

    private static Decoded validate(String key, Consumer<MigrationCommand.Builder> change) {
        MigrationCommand.Builder b = MigrationCommand.newBuilder(TestCommands.avro());
        change.accept(b);
        return CommandDecoder.validate(key, b.build());
    }

    private static String reason(Decoded d) {
        assertThat(d).isInstanceOf(Decoded.Invalid.class);
        Decoded.Invalid invalid = (Decoded.Invalid) d;
        assertThat(invalid.errorCode()).contains(ErrorCode.MIG020);
        return invalid.reason();
    }

    @Test
    void aValidCommandBecomesTheDomainRecord() {
        Decoded d = CommandDecoder.validate("orders-eu-1", TestCommands.avro());
        assertThat(d).isEqualTo(new Decoded.Valid(TestCommands.upgrade()));
    }

    @Test
    void statementsAreOrderedByTheirIndexAndAZeroStatementTimeoutMeansNone() {
        Decoded d = validate("orders-eu-1", b -> b.setStatements(List.of(new Statement("second", 1), new Statement("first", 0)))
                .setStatementTimeoutMs(0L));
        Command c = ((Decoded.Valid) d).command();
        assertThat(c.statements()).containsExactly("first", "second");
        assertThat(c.statementTimeout()).isEmpty();
        Command none = ((Decoded.Valid) validate("orders-eu-1", b -> b.setStatementTimeoutMs(null))).command();
        assertThat(none.statementTimeout()).isEmpty();
        assertThat(none.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theKeyMustBeTheTargetId() {
        assertThat(reason(validate("orders-us-1", b -> { }))).contains("record key 'orders-us-1' is not the target_id 'orders-eu-1'");
        assertThat(reason(validate(null, b -> { }))).contains("has no key");
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        String r = reason(validate("orders-eu-1", b -> b.setCommandId(" ").setPlanId("a b").setStepIndex(3).setChecksum("")
                .setLockTimeoutMs(-1L).setStatementTimeoutMs(-5L).setExpectedFromHeads(List.of("r1", "r1"))));
        assertThat(r).contains("command_id is missing").contains("plan_id 'a b' is not an id").contains("step_index must be in 0..2, got 3")
                .contains("checksum is missing").contains("lock_timeout_ms must not be negative")
                .contains("statement_timeout_ms must not be negative").contains("expected_from_heads lists r1 twice");
    }

    @Test
    void statementIndexesMustCoverTheStatements() {
        assertThat(reason(validate("orders-eu-1", b -> b.setStatements(List.of(new Statement("a", 0), new Statement("b", 0))))))
                .contains("statement index 0 appears twice");
        assertThat(reason(validate("orders-eu-1", b -> b.setStatements(List.of(new Statement("a", 1))))))
                .contains("statement index 1 is out of range 0..0");
        assertThat(reason(validate("orders-eu-1", b -> b.setStatements(List.of(new Statement(" ", 0))))))
                .contains("statement 0 has no SQL");
        assertThat(reason(validate("orders-eu-1", b -> b.setStepCount(0)))).contains("step_count must be at least 1");
    }

    @Test
    void bytesThatAreNotACommandAreInvalidWithoutAnErrorCode() {
        // The registry is never asked: these fail on the wire-format header.
        CommandDecoder decoder = new CommandDecoder(AvroSerde.forValue(MigrationCommand.class,
                SerdeConfig.of(new SchemaRegistryClient("http://127.0.0.1:9/apis/ccompat/v7"))));
        Decoded garbage = decoder.decode("convoy.commands", "k".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage).isInstanceOf(Decoded.Invalid.class);
        assertThat(((Decoded.Invalid) garbage).reason()).contains("unknown magic byte");
        assertThat(((Decoded.Invalid) garbage).errorCode()).isEmpty();
        Decoded tombstone = decoder.decode("convoy.commands", null, null);
        assertThat(((Decoded.Invalid) tombstone).reason()).contains("tombstone");
        Decoded shortOne = decoder.decode("convoy.commands", null, new byte[] {0, 1});
        assertThat(((Decoded.Invalid) shortOne).reason()).contains("too short");
    }

    @Test
    void aKeyThatIsNotUtf8IsInvalid() {
        CommandDecoder decoder = new CommandDecoder((topic, data) -> TestCommands.avro());
        Decoded d = decoder.decode("convoy.commands", new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {0});
        assertThat(((Decoded.Invalid) d).reason()).contains("not UTF-8");
        assertThat(decoder.decode("convoy.commands", "orders-eu-1".getBytes(StandardCharsets.UTF_8), new byte[] {0}))
                .isEqualTo(new Decoded.Valid(TestCommands.upgrade()));
    }

    @Test
    void aRegistryThatDoesNotAnswerIsNotTheRecordsFault() {
        CommandDecoder decoder = new CommandDecoder((topic, data) -> {
            throw new SchemaRegistryException("connection refused", SchemaRegistryException.NO_RESPONSE,
                    SchemaRegistryException.NO_ERROR_CODE, null);
        });
        assertThatThrownBy(() -> decoder.decode("convoy.commands", null, new byte[] {0, 0, 0, 0, 1, 2}))
                .isInstanceOf(SchemaRegistryException.class);
    }
}
