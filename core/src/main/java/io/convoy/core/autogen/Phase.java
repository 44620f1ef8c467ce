package io.convoy.core.autogen;

/**
 * The order of changes inside a part on upgrade: everything that depends on an object is removed
 * before it and created after it. Downgrade runs the inverse of every change in the reverse order.
 */
public enum Phase {
    RENAME,
    DROP_TRIGGER,
    DROP_VIEW,
    DROP_FOREIGN_KEY,
    DROP_INDEX_OR_CONSTRAINT,
    DISOWN_SEQUENCE,
    CREATE_SCHEMA,
    CREATE_EXTENSION,
    ADD_ENUM_VALUE,
    CREATE_ENUM,
    CREATE_DOMAIN,
    CREATE_SEQUENCE,
    ALTER_SEQUENCE,
    CREATE_ROUTINE,
    CREATE_TABLE,
    DROP_GENERATED_COLUMN,
    ALTER_COLUMN,
    DROP_COLUMN,
    ADD_COLUMN,
    ADD_GENERATED_COLUMN,
    DROP_TABLE,
    OWN_SEQUENCE,
    CREATE_INDEX_OR_CONSTRAINT,
    CREATE_FOREIGN_KEY,
    RECREATE_ENUM,
    CREATE_VIEW,
    CREATE_TRIGGER,
    COMMENT,
    DROP_ROUTINE,
    DROP_SEQUENCE,
    DROP_DOMAIN,
    DROP_ENUM,
    DROP_EXTENSION,
    DROP_SCHEMA,
    CREATE_INDEX_CONCURRENTLY,
    VALIDATE_CONSTRAINT
}
