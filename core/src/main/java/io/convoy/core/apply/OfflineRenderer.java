package io.convoy.core.apply;

import io.convoy.core.graph.Plan;

/**
 * {@code --sql}: renders exactly the SQL the online path runs for a plan (version-table DDL,
 * SET lock_timeout, BEGIN/COMMIT per transactional revision, version/history statements), ready
 * for {@code psql -v ON_ERROR_STOP=1}. SKELETON: written by the apply work.
 */
public final class OfflineRenderer {
    private final ApplyOptions options;

    public OfflineRenderer(ApplyOptions options) {
        this.options = options;
    }

    public String render(Plan plan) { throw new UnsupportedOperationException("skeleton"); }
}
