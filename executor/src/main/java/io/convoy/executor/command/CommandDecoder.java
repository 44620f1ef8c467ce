package io.convoy.executor.command;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.registry.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns the raw key and value bytes of a convoy.commands record into a {@link Command}, or says why it cannot
 * ({@link Decoded.Invalid}, for the dead-letter topic). The executor consumes raw bytes and decodes here, so a
 * poison record never stops the consumer.
 *
 * <p>A schema registry that cannot answer is not the record's fault: {@link SchemaRegistryException} is
 * thrown unchanged, and the caller tries the record again later instead of dead-lettering it.
 */
public final class CommandDecoder {
    /** Longest id accepted (command, plan, request, target, revision). */
    public static final int MAX_ID_LENGTH = 255;

    private final Deserializer<MigrationCommand> values;

    public CommandDecoder(Deserializer<MigrationCommand> values) {
        this.values = Objects.requireNonNull(values, "values");
    }

    public Decoded decode(String topic, byte[] key, byte[] value) {
        if (value == null) {
            return invalid("the record has no value (a tombstone): not a command", false);
        }
        MigrationCommand m;
        try {
            m = values.deserialize(topic, value);
        } catch (SchemaRegistryException e) {
            throw e;
        } catch (SerializationException e) {
            return invalid(e.getMessage(), false);
        } catch (RuntimeException e) {
            return invalid("cannot deserialize the value as MigrationCommand: " + e, false);
        }
        String textKey;
        if (key == null) {
            textKey = null;
        } else {
            try {
                textKey = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key)).toString();
            } catch (CharacterCodingException e) {
                return invalid("the record key is not UTF-8 text (it must be the target id)", true);
            }
        }
        return validate(textKey, m);
    }

    /**
     * Checks a decoded command: every id present and sane, the key equal to the target id (so a target's
     * steps stay ordered on one partition), step position in range, statements numbered 0..n-1, timeouts
     * not negative.
     */
    public static Decoded validate(String key, MigrationCommand m) {
        List<String> problems = new ArrayList<>();
        String commandId = id(problems, "command_id", m.getCommandId());
        String planId = id(problems, "plan_id", m.getPlanId());
        String requestId = id(problems, "request_id", m.getRequestId());
        String targetId = id(problems, "target_id", m.getTargetId());
        String revision = id(problems, "revision", m.getRevision());
        if (key == null) {
            problems.add("the record has no key (it must be the target id)");
        } else if (targetId != null && !key.equals(targetId)) {
            problems.add("the record key '" + shorten(key) + "' is not the target_id '" + targetId
                    + "' (commands are keyed by target id so that a target's steps stay in order)");
        }
        int stepIndex = m.getStepIndex();
        int stepCount = m.getStepCount();
        if (stepCount < 1) {
            problems.add("step_count must be at least 1, got " + stepCount);
        } else if (stepIndex < 0 || stepIndex >= stepCount) {
            problems.add("step_index must be in 0.." + (stepCount - 1) + ", got " + stepIndex);
        }
        Direction direction = null;
        if (m.getDirection() == null) {
            problems.add("direction is missing");
        } else {
            direction = switch (m.getDirection()) {
                case UPGRADE -> Direction.UPGRADE;
                case DOWNGRADE -> Direction.DOWNGRADE;
            };
        }
        Set<String> from = heads(problems, "expected_from_heads", m.getExpectedFromHeads());
        Set<String> after = heads(problems, "heads_after", m.getHeadsAfter());
        List<String> statements = statements(problems, m.getStatements());
        String checksum = m.getChecksum();
        if (checksum == null || checksum.isBlank()) {
            problems.add("checksum is missing");
        }
        if (m.getLockTimeoutMs() < 0) {
            problems.add("lock_timeout_ms must not be negative, got " + m.getLockTimeoutMs());
        }
        Long statementTimeout = m.getStatementTimeoutMs();
        if (statementTimeout != null && statementTimeout < 0) {
            problems.add("statement_timeout_ms must not be negative, got " + statementTimeout);
        }
        Instant createdAt = m.getCreatedAt();
        if (createdAt == null) {
            problems.add("created_at is missing");
        }
        if (!problems.isEmpty()) {
            return new Decoded.Invalid("invalid MigrationCommand" + (commandId == null ? "" : " " + commandId) + ": "
                    + String.join("; ", problems), Optional.of(ErrorCode.MIG020));
        }
        return new Decoded.Valid(new Command(commandId, planId, requestId, targetId, stepIndex, stepCount, revision,
                direction, from, after, statements, m.getTransactional(), checksum, Duration.ofMillis(m.getLockTimeoutMs()),
                statementTimeout == null || statementTimeout == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(statementTimeout)),
                createdAt));
    }

    private static String id(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(field + " is missing");
            return null;
        }
        if (value.length() > MAX_ID_LENGTH || value.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            problems.add(field + " '" + shorten(value) + "' is not an id (at most " + MAX_ID_LENGTH
                    + " characters, no blanks or control characters)");
            return null;
        }
        return value;
    }

    private static Set<String> heads(List<String> problems, String field, List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        if (values == null) {
            problems.add(field + " is missing");
            return out;
        }
        for (String v : values) {
            String ok = id(problems, field + " entry", v);
            if (ok != null && !out.add(ok)) {
                problems.add(field + " lists " + ok + " twice");
            }
        }
        return out;
    }

    private static List<String> statements(List<String> problems, List<io.convoy.schemas.avro.Statement> values) {
        if (values == null) {
            problems.add("statements is missing");
            return List.of();
        }
        String[] ordered = new String[values.size()];
        for (io.convoy.schemas.avro.Statement s : values) {
            int i = s.getIndex();
            if (i < 0 || i >= ordered.length) {
                problems.add("statement index " + i + " is out of range 0.." + (ordered.length - 1));
            } else if (ordered[i] != null) {
                problems.add("statement index " + i + " appears twice");
            } else if (s.getSql() == null || s.getSql().isBlank()) {
                problems.add("statement " + i + " has no SQL");
                ordered[i] = "";
            } else {
                ordered[i] = s.getSql();
            }
        }
        return problems.isEmpty() ? List.of(ordered) : List.of();
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }

    private static Decoded.Invalid invalid(String reason, boolean decoded) {
        return new Decoded.Invalid(reason, decoded ? Optional.of(ErrorCode.MIG020) : Optional.empty());
    }
}
