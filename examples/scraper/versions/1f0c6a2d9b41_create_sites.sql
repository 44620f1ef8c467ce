-- convoy:revision: 1f0c6a2d9b41
-- convoy:message: create sites SCRAPE-101

-- convoy:upgrade
CREATE TABLE sites (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain         text        NOT NULL,
    base_url       text        NOT NULL,
    crawl_delay_ms integer     NOT NULL DEFAULT 1000,
    enabled        boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sites_domain_key UNIQUE (domain),
    CONSTRAINT sites_base_url_http CHECK (base_url ~ '^https?://'),
    CONSTRAINT sites_crawl_delay_positive CHECK (crawl_delay_ms >= 0)
);

COMMENT ON TABLE sites IS 'Web sites we crawl; one row per domain';

-- convoy:downgrade
DROP TABLE sites;
