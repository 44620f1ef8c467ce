package io.convoy.core.util;

import java.util.regex.Pattern;

/** Masks credentials in anything that may be printed or logged (JDBC URLs, key=value strings). */
public final class Secrets {
    private static final Pattern USERINFO = Pattern.compile("(?i)(//[^/:@\\s]*:)([^@/\\s]*)(@)");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)((?:password|passwd|pwd|secret|token|sslpassword)\\s*[=:]\\s*)([^&;\\s,'\"]+)");

    /** SQL's {@code [ENCRYPTED] PASSWORD 'literal'} (CREATE/ALTER ROLE, CREATE USER MAPPING ... OPTIONS (password '...')). */
    private static final Pattern SQL_PASSWORD = Pattern.compile("(?i)(\\bpassword\\s+)(?:E?'(?:[^']|'')*'|\\$\\$.*?\\$\\$)");

    public static final String MASK = "****";

    private Secrets() {}

    /**
     * {@code jdbc:postgresql://h/db?user=a&password=s} → {@code ...password=****}; also {@code //user:pw@host} and a
     * SQL {@code PASSWORD 'literal'} (a migration's statement quoted in an error) → {@code PASSWORD '****'}.
     */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String s = USERINFO.matcher(text).replaceAll("$1" + MASK + "$3");
        s = SQL_PASSWORD.matcher(s).replaceAll("$1'" + MASK + "'");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1" + MASK);
    }
}
