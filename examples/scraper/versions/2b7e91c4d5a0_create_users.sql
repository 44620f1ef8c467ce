-- convoy:revision: 2b7e91c4d5a0
-- convoy:down_revision: 1f0c6a2d9b41
-- convoy:message: create users with encrypted personal data SCRAPE-102

-- convoy:upgrade
-- Keeps updated_at honest on every table that has one.
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TABLE users (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email             text        NOT NULL,
    display_name      text,
    encrypted_data    bytea,
    encryption_key_id uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    -- ciphertext and the id of the key that made it come together or not at all
    CONSTRAINT users_encryption_pair CHECK ((encrypted_data IS NULL) = (encryption_key_id IS NULL))
);

CREATE TRIGGER users_touch_updated_at
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- convoy:downgrade
DROP TRIGGER users_touch_updated_at ON users;
DROP TABLE users;
DROP FUNCTION touch_updated_at();
