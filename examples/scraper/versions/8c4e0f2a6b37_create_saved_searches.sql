-- convoy:revision: 8c4e0f2a6b37
-- convoy:down_revision: 7b3a9d1e5c26
-- convoy:depends_on: 5e1f3a8b0c94
-- convoy:message: saved searches over page search vectors SCRAPE-121

-- convoy:upgrade
CREATE TABLE saved_searches (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    query      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT saved_searches_user_name_key UNIQUE (user_id, name)
);

-- The body is checked at creation: it needs pages.search_vector, hence depends_on 5e1f3a8b0c94.
CREATE FUNCTION run_saved_search(p_search_id bigint, p_limit integer DEFAULT 20)
RETURNS TABLE (page_id bigint, page_url text, rank real)
LANGUAGE sql STABLE AS $$
    SELECT p.id, p.url, ts_rank(p.search_vector, websearch_to_tsquery('english', s.query))
      FROM saved_searches s
      JOIN pages p ON p.search_vector @@ websearch_to_tsquery('english', s.query)
     WHERE s.id = p_search_id
     ORDER BY 3 DESC
     LIMIT p_limit;
$$;

-- convoy:downgrade
DROP FUNCTION run_saved_search(bigint, integer);
DROP TABLE saved_searches;
