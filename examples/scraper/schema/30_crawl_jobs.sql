CREATE TYPE crawl_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

CREATE TABLE crawl_jobs (
    id           bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id      bigint       NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    requested_by uuid         REFERENCES users (id) ON DELETE SET NULL,
    status       crawl_status NOT NULL DEFAULT 'queued',
    max_pages    integer      NOT NULL DEFAULT 1000,
    queued_at    timestamptz  NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    error        text,
    CONSTRAINT crawl_jobs_max_pages_positive CHECK (max_pages > 0),
    CONSTRAINT crawl_jobs_times CHECK (finished_at IS NULL OR (started_at IS NOT NULL AND finished_at >= started_at)),
    CONSTRAINT crawl_jobs_error_when_failed CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE INDEX ix_crawl_jobs_site_status ON crawl_jobs (site_id, status);
CREATE INDEX ix_crawl_jobs_requested_by ON crawl_jobs (requested_by);

CREATE TABLE crawl_schedules (
    site_id     bigint      PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    cron        text        NOT NULL,
    next_run_at timestamptz NOT NULL,
    paused      boolean     NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- five cron fields; the $ ends the regular expression, not a dollar quote
    CONSTRAINT crawl_schedules_cron_fields CHECK (cron ~ '^(\S+\s+){4}\S+$')
);

CREATE INDEX ix_crawl_schedules_due ON crawl_schedules (next_run_at) WHERE NOT paused;

CREATE TRIGGER crawl_schedules_touch_updated_at
    BEFORE UPDATE ON crawl_schedules
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
