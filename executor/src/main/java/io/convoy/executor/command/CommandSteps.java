package io.convoy.executor.command;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command as the engine's records: a {@link Revision} holding the command's statements in the section of
 * its direction, one {@link MigrationStep} from the expected heads to the heads after, and a one-step
 * {@link Plan} for {@link io.convoy.core.apply.Migrator#apply}. Pure functions.
 */
public final class CommandSteps {
    /** Prefix of the application_name of the executor's sessions: {@code convoy-executor/<plan>/<target>}. */
    public static final String APPLICATION_NAME_PREFIX = "convoy-executor/";
    /** PostgreSQL truncates application_name to 63 bytes. */
    private static final int APPLICATION_NAME_MAX = 63;

    private CommandSteps() {}

    /**
     * The revision a command carries. The command has the statements of one direction only, so the other
     * section is empty; a downgrade command always "has" its downgrade section (the planner checked that).
     * The lock timeout is the command's, and its statement timeout too (none when the command has none).
     */
    public static Revision revision(Command c) {
        boolean up = c.direction() == Direction.UPGRADE;
        return new Revision(c.revision(), List.of(), Set.of(), List.of(),
                "step " + (c.stepIndex() + 1) + "/" + c.stepCount() + " of plan " + c.planId(), c.transactional(),
                Optional.of(c.lockTimeout()), c.statementTimeout(),
                up ? c.statements() : List.of(), up ? List.of() : c.statements(), !up, c.checksum(),
                source(c), Map.of());
    }

    /** Where the revision came from, as the engine's messages print it. */
    public static Path source(Command c) {
        return Path.of("command " + c.commandId() + " of plan " + c.planId());
    }

    public static MigrationStep step(Command c) {
        return new MigrationStep(revision(c), c.direction(), c.expectedFromHeads(), c.headsAfter());
    }

    /** The one-step plan: from the expected heads (checked under the migration lock) to the heads after. */
    public static Plan plan(Command c) {
        return new Plan(c.direction(), c.expectedFromHeads(), c.headsAfter(), List.of(step(c)));
    }

    /**
     * The apply options of a command: the executor's {@code base} options with the plan and command ids (recorded
     * in convoy.history), the application_name the monitor looks for, and no statement_timeout other than the
     * command's own.
     */
    public static ApplyOptions options(ApplyOptions base, Command c) {
        return base.withPipelineIds(Optional.of(c.planId()), Optional.of(c.commandId()))
                .withApplicationName(applicationName(c.planId(), c.targetId()))
                .withLockTimeout(c.lockTimeout())
                .withStatementTimeout(c.statementTimeout());
    }

    /** {@code convoy-executor/<plan>/<target>}, cut to PostgreSQL's 63 bytes if need be. */
    public static String applicationName(String planId, String targetId) {
        String name = APPLICATION_NAME_PREFIX + planId + "/" + targetId;
        while (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > APPLICATION_NAME_MAX) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }
}
