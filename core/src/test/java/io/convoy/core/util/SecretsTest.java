package io.convoy.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void masksPasswordParametersAndUserInfo() {
        assertThat(Secrets.mask("jdbc:postgresql://db:5432/app?user=app&password=s3cr3t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/app?user=app&password=****&ssl=true");
        assertThat(Secrets.mask("postgresql://app:s3cr3t@db/app")).isEqualTo("postgresql://app:****@db/app");
        assertThat(Secrets.mask("token=abc123 other")).isEqualTo("token=**** other");
    }

    @Test
    void masksPasswordLiteralsInSql() {
        assertThat(Secrets.mask("statement 1 failed: CREATE ROLE app LOGIN PASSWORD 'hunter2' VALID UNTIL 'infinity'"))
                .isEqualTo("statement 1 failed: CREATE ROLE app LOGIN PASSWORD '****' VALID UNTIL 'infinity'");
        assertThat(Secrets.mask("ALTER ROLE app WITH ENCRYPTED password 'it''s secret'"))
                .isEqualTo("ALTER ROLE app WITH ENCRYPTED password '****'");
        assertThat(Secrets.mask("ALTER ROLE app PASSWORD $$x y$$;")).isEqualTo("ALTER ROLE app PASSWORD '****';");
        assertThat(Secrets.mask("OPTIONS (user 'app', password 's3cr3t')")).isEqualTo("OPTIONS (user 'app', password '****')");
        assertThat(Secrets.mask("ALTER ROLE app PASSWORD NULL")).isEqualTo("ALTER ROLE app PASSWORD NULL");
    }

    @Test
    void leavesTextWithoutSecretsAlone() {
        assertThat(Secrets.mask("jdbc:postgresql://db:5432/app?user=app")).isEqualTo("jdbc:postgresql://db:5432/app?user=app");
        assertThat(Secrets.mask(null)).isNull();
    }
}
