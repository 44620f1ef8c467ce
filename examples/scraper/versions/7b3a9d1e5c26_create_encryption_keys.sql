-- convoy:revision: 7b3a9d1e5c26
-- convoy:down_revision: 4a9b2c7d6e13
-- convoy:message: encryption keys referenced by users SCRAPE-120

-- convoy:upgrade
CREATE TABLE encryption_keys (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    kms_key_ref text        NOT NULL,
    algorithm   text        NOT NULL DEFAULT 'AES-256-GCM',
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    CONSTRAINT encryption_keys_kms_key_ref_key UNIQUE (kms_key_ref),
    CONSTRAINT encryption_keys_algorithm_known CHECK (algorithm IN ('AES-256-GCM', 'ChaCha20-Poly1305'))
);

-- NOT VALID then VALIDATE: the check of existing rows does not block writes to users
ALTER TABLE users
    ADD CONSTRAINT users_encryption_key_fk FOREIGN KEY (encryption_key_id)
    REFERENCES encryption_keys (id) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_encryption_key_fk;

CREATE INDEX ix_users_encryption_key ON users (encryption_key_id) WHERE encryption_key_id IS NOT NULL;

-- convoy:downgrade
DROP INDEX ix_users_encryption_key;
ALTER TABLE users DROP CONSTRAINT users_encryption_key_fk;
DROP TABLE encryption_keys;
