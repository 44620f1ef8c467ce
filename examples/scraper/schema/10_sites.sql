-- Desired schema of the scraper example: what `convoy revision --autogenerate` compares the
-- revisions in ../versions with. Files load in name order, each in one go; keep them in step with
-- the head revision (`convoy revision --autogenerate --check` says when they are not).

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
