-- convoy:revision: ab6e2c4d8f59
-- convoy:down_revision: 9a5f1b3c7d48
-- convoy:message: crawl schedules per site SCRAPE-131

-- convoy:upgrade
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

-- convoy:downgrade
DROP TABLE crawl_schedules;
