-- convoy:revision: 4a9b2c7d6e13
-- convoy:down_revision: 3c5d0e8f1a27
-- convoy:message: create pages SCRAPE-104
-- convoy:lock_timeout: 5s

-- convoy:upgrade
CREATE TABLE pages (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id      bigint      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    crawl_job_id bigint      REFERENCES crawl_jobs (id) ON DELETE SET NULL,
    url          text        NOT NULL,
    url_hash     text        GENERATED ALWAYS AS (md5(url)) STORED,
    http_status  smallint,
    title        text,
    body         text,
    fetched_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pages_site_url_key UNIQUE (site_id, url_hash),
    CONSTRAINT pages_http_status_range CHECK (http_status BETWEEN 100 AND 599)
);

CREATE INDEX ix_pages_crawl_job ON pages (crawl_job_id);

-- convoy:downgrade
DROP TABLE pages;
