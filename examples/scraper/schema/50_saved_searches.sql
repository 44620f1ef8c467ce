CREATE TABLE saved_searches (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    query      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT saved_searches_user_name_key UNIQUE (user_id, name)
);

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
