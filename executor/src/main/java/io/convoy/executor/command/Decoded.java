package io.convoy.executor.command;

import io.convoy.core.error.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/** What {@link CommandDecoder} made of a record of convoy.commands. */
public sealed interface Decoded {

    /** A command that can be carried out. */
    record Valid(Command command) implements Decoded {
        public Valid {
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * A record that is not a command this executor can carry out (undecodable bytes, a missing or unknown field,
     * a value out of range): it goes to the dead-letter topic with {@code reason}.
     *
     * @param errorCode MIG020 when the record decoded but its content is invalid; empty when it did not decode
     */
    record Invalid(String reason, Optional<ErrorCode> errorCode) implements Decoded {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(errorCode, "errorCode");
        }
    }
}
