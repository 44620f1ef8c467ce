package io.convoy.executor;

import io.convoy.executor.command.Command;

/**
 * Test seam: called at the points where a crash loses the most, so that a test can make the executor stop
 * there as a crash would (anything it throws stops the service without committing the command).
 */
interface Faults {
    Faults NONE = (stage, command) -> { };

    enum Stage {
        /** The step's outcome is in the database; its final event is not published yet. */
        DONE_NOT_PUBLISHED,
        /** The final event and target state are acknowledged; the offset is not committed yet. */
        PUBLISHED_NOT_COMMITTED
    }

    void at(Stage stage, Command command);
}
