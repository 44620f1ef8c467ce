-- Keeps updated_at honest on every table that has one.
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TABLE encryption_keys (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    kms_key_ref text        NOT NULL,
    algorithm   text        NOT NULL DEFAULT 'AES-256-GCM',
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    CONSTRAINT encryption_keys_kms_key_ref_key UNIQUE (kms_key_ref),
    CONSTRAINT encryption_keys_algorithm_known CHECK (algorithm IN ('AES-256-GCM', 'ChaCha20-Poly1305'))
);

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
    CONSTRAINT users_encryption_pair CHECK ((encrypted_data IS NULL) = (encryption_key_id IS NULL)),
    CONSTRAINT users_encryption_key_fk FOREIGN KEY (encryption_key_id) REFERENCES encryption_keys (id)
);

CREATE INDEX ix_users_encryption_key ON users (encryption_key_id) WHERE encryption_key_id IS NOT NULL;

CREATE TRIGGER users_touch_updated_at
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
