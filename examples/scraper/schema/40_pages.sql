CREATE TABLE pages (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id       bigint      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    crawl_job_id  bigint      REFERENCES crawl_jobs (id) ON DELETE SET NULL,
    url           text        NOT NULL,
    url_hash      text        GENERATED ALWAYS AS (md5(url)) STORED,
    http_status   smallint,
    title         text,
    body          text,
    fetched_at    timestamptz NOT NULL DEFAULT now(),
    search_vector tsvector,
    CONSTRAINT pages_site_url_key UNIQUE (site_id, url_hash),
    CONSTRAINT pages_http_status_range CHECK (http_status BETWEEN 100 AND 599)
);

CREATE INDEX ix_pages_crawl_job ON pages (crawl_job_id);
CREATE INDEX ix_pages_search ON pages USING gin (search_vector);
CREATE INDEX ix_pages_site_fetched_at ON pages (site_id, fetched_at DESC);

CREATE FUNCTION pages_search_vector_update() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    -- titles weigh more than bodies; a NULL title must not blank the vector
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B');
    RETURN NEW;
END;
$body$;

CREATE TRIGGER pages_search_vector
    BEFORE INSERT OR UPDATE OF title, body ON pages
    FOR EACH ROW EXECUTE FUNCTION pages_search_vector_update();
