package io.convoy.executor.targets;

import io.convoy.core.util.Secrets;
import java.util.Objects;

/**
 * A database password, read from the environment or a file. It prints as {@value Secrets#MASK} everywhere
 * ({@link #toString()}, records that hold it); only {@link #reveal()} gives the text, for the JDBC driver.
 */
public final class Password {
    private final String value;
    private final String origin;

    Password(String value, String origin) {
        this.value = Objects.requireNonNull(value, "value");
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    /** The password itself: only for the connection properties, never for a message. */
    public String reveal() {
        return value;
    }

    /** Where it came from, e.g. {@code env ORDERS_PW} or {@code file /run/secrets/orders}: safe to print. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return Secrets.MASK + " (from " + origin + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Password p && p.value.equals(value) && p.origin.equals(origin);
    }

    @Override
    public int hashCode() {
        return origin.hashCode();
    }
}
