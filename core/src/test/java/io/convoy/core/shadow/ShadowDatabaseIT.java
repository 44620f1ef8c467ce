package io.convoy.core.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowDatabaseIT {
    static ShadowDatabase shadow;

    @BeforeAll
    static void start() {
        shadow = ShadowDatabase.start();
    }

    @AfterAll
    static void stop() {
        shadow.close();
    }

    static List<String> strings(String db, String sql) throws SQLException {
        try (Connection c = shadow.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    @Test
    void listensOnLoopbackOnlyAndRunsPostgres15() throws SQLException {
        assertThat(strings("postgres", "show listen_addresses")).containsExactly("127.0.0.1");
        assertThat(strings("postgres", "show server_version_num").get(0)).startsWith("15");
    }

    @Test
    void freshDatabasesAreIndependentAndCheap() throws SQLException {
        long t0 = System.nanoTime();
        String a = shadow.createDatabase();
        String b = shadow.createDatabase();
        long perDb = (System.nanoTime() - t0) / 2_000_000;
        System.out.println("CREATE DATABASE: " + perDb + " ms each");
        shadow.execute(a, "create table t(x int); create table u(y int);", "test");
        assertThat(strings(a, "select relname from pg_class where relname in ('t','u') order by 1")).containsExactly("t", "u");
        assertThat(strings(b, "select relname from pg_class where relname in ('t','u')")).isEmpty();
        String copy = shadow.cloneDatabase(a);
        assertThat(strings(copy, "select relname from pg_class where relname in ('t','u') order by 1")).containsExactly("t", "u");
        shadow.dropDatabase(a);
        shadow.dropDatabase(b);
        shadow.dropDatabase(copy);
        assertThat(strings("postgres", "select datname from pg_database where datname in ('" + a + "','" + b + "')")).isEmpty();
    }

    @Test
    void loadsSchemaFilesInNameOrder(@TempDir Path dir) throws Exception {
        Path second = Files.writeString(dir.resolve("20_tables.sql"), "create table s.t(id int primary key);\ncreate index on s.t(id);\n");
        Path first = Files.writeString(dir.resolve("10_schema.sql"), "create schema s;");
        String db = shadow.createDatabase();
        shadow.loadSqlFiles(db, List.of(second, first));
        assertThat(strings(db, "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where nspname = 's' order by 1"))
                .containsExactly("t", "t_id_idx", "t_pkey");
        shadow.dropDatabase(db);
    }

    @Test
    void failureNamesFileLineAndPostgresMessage(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("01_bad.sql"), "create table a(id int);\n\ncreate table b(id intt);\n");
        String db = shadow.createDatabase();
        assertThatThrownBy(() -> shadow.loadSqlFiles(db, List.of(bad)))
                .isInstanceOfSatisfying(ConvoyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIG020);
                    assertThat(e.getMessage()).contains("01_bad.sql:3").contains("type \"intt\" does not exist");
                    assertThat(e.sqlState()).contains("42704");
                });
        shadow.dropDatabase(db);
    }
}
