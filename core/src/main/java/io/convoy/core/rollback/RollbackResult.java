package io.convoy.core.rollback;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the stairway found for one revision.
 *
 * @param revision    the revision id
 * @param differences what the downgrade left different from the schema before the upgrade, one line each in
 *                    autogenerate's summary form ({@code + index users_email_idx} = still there, {@code - ...} = gone);
 *                    empty when the schema was restored
 * @param failure     why the stairway could not be walked (no downgrade section, a statement failed), if it could not
 */
public record RollbackResult(String revision, List<String> differences, Optional<String> failure) {
    public RollbackResult {
        Objects.requireNonNull(revision, "revision");
        differences = List.copyOf(differences);
        Objects.requireNonNull(failure, "failure");
    }

    /** True when the downgrade restored the schema exactly and the upgrade ran again. */
    public boolean ok() {
        return differences.isEmpty() && failure.isEmpty();
    }
}
