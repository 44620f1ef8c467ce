package io.convoy.executor.targets;

import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.util.Secrets;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * One database this executor may migrate: the credentials live here and nowhere else (never in a message).
 * {@link #toString()} masks the URL and the password.
 *
 * @param id       the target id commands address (the record key of convoy.commands)
 * @param jdbcUrl  JDBC URL, without a password
 * @param user     database user, when the URL does not name one
 * @param password password, when the server asks for one
 */
public record Target(String id, String jdbcUrl, Optional<String> user, Optional<Password> password) {
    public Target {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** Connections with this target's credentials; {@link ConnectionSource#describe()} is masked. */
    public ConnectionSource connectionSource() {
        Properties props = new Properties();
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p.reveal()));
        ConnectionSource plain = ConnectionSource.of(jdbcUrl, props);
        String described = "target " + id + " (" + Secrets.mask(jdbcUrl) + ")";
        return new ConnectionSource() {
            @Override
            public java.sql.Connection open() throws java.sql.SQLException {
                return plain.open();
            }

            @Override
            public String describe() {
                return described;
            }
        };
    }

    @Override
    public String toString() {
        return "Target[" + id + ", " + Secrets.mask(jdbcUrl) + user.map(u -> ", user " + u).orElse("")
                + password.map(p -> ", password " + p).orElse("") + "]";
    }
}
