-- convoy:revision: 5e1f3a8b0c94
-- convoy:down_revision: 4a9b2c7d6e13
-- convoy:branch_labels: search
-- convoy:message: full-text search vector on pages SCRAPE-110

-- convoy:upgrade
ALTER TABLE pages ADD COLUMN search_vector tsvector;

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

UPDATE pages
   SET search_vector = setweight(to_tsvector('english', coalesce(title, '')), 'A')
                    || setweight(to_tsvector('english', coalesce(body, '')), 'B');

-- convoy:downgrade
DROP TRIGGER pages_search_vector ON pages;
DROP FUNCTION pages_search_vector_update();
ALTER TABLE pages DROP COLUMN search_vector;
