-- convoy:revision: 9a5f1b3c7d48
-- convoy:down_revision: 6d2c8e4f7a15, 8c4e0f2a6b37
-- convoy:message: merge search and encryption keys SCRAPE-130

-- convoy:upgrade
-- A merge point only: the two branches touch different objects.

-- convoy:downgrade
