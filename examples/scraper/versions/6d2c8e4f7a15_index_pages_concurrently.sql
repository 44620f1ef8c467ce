-- convoy:revision: 6d2c8e4f7a15
-- convoy:down_revision: 5e1f3a8b0c94
-- convoy:message: index page search and fetch time without blocking writers SCRAPE-111
-- convoy:transactional: false
-- convoy:statement_timeout: 10min

-- convoy:upgrade
-- CONCURRENTLY cannot run inside a transaction: this revision runs statement by statement.
CREATE INDEX CONCURRENTLY ix_pages_search ON pages USING gin (search_vector);
CREATE INDEX CONCURRENTLY ix_pages_site_fetched_at ON pages (site_id, fetched_at DESC);

-- convoy:downgrade
DROP INDEX CONCURRENTLY IF EXISTS ix_pages_site_fetched_at;
DROP INDEX CONCURRENTLY IF EXISTS ix_pages_search;
