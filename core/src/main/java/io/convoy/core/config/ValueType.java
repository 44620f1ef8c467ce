package io.convoy.core.config;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.script.FileNameTemplate;
import io.convoy.core.script.PgDurations;
import io.convoy.core.util.Secrets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a configuration value is read and checked: every type any Convoy service uses, each with the Java type
 * {@link #parse} returns and what a valid value looks like ({@link #expected()}, for error messages).
 */
public enum ValueType {
    /** String; must not be empty. */
    STRING("a non-empty string"),
    /** String; may be empty. */
    OPTIONAL_STRING("a string"),
    /** String (kept as written, never shown). */
    SECRET("a string"),
    /** String: an http(s) URL, shown with its password masked. */
    HTTP_URL("an http(s) URL"),
    /** String: a PostgreSQL JDBC URL, shown with its password masked. */
    JDBC_URL("a JDBC URL starting with jdbc:postgresql:"),
    /** Boolean. */
    BOOLEAN("true or false"),
    /** Path, resolved against the directory of the layer the value came from. */
    PATH("a file or directory path"),
    /** String: a lower-case SQL identifier. */
    IDENTIFIER("a lower-case SQL identifier such as convoy"),
    /** String: a revision file-name template. */
    TEMPLATE("a file-name template such as %(rev)s_%(slug)s"),
    /** Pattern. */
    REGEX("a regular expression"),
    /** Duration, as {@link Durations#parse}. */
    DURATION("a duration such as 500ms, 2s, 1min, 30d"),
    /** Duration written the way PostgreSQL writes it ({@link PgDurations}: a bare number is milliseconds). */
    PG_DURATION("a duration such as 500ms, 2s, 1min"),
    /** Optional&lt;Duration&gt;: empty for {@code off} or {@code 0}. */
    OPTIONAL_DURATION("a duration such as 500ms, 2s, 1min, or off"),
    /** Integer of at least 1. */
    POSITIVE_INT("a whole number of at least 1"),
    /** Long of at least 1. */
    POSITIVE_LONG("a whole number of at least 1"),
    /** Integer: -1 (the broker's default) or at least 1. */
    REPLICATION("-1 or a whole number of at least 1"),
    /** Integer: a port from 0 to 65535, or -1 for off. */
    PORT("a port from 0 to 65535, or -1 for off"),
    /** List&lt;String&gt; of comma-separated names without spaces; empty for nothing. */
    LIST("a comma-separated list of names, or nothing");

    private final String expected;

    ValueType(String expected) {
        this.expected = expected;
    }

    /** What a valid value looks like, for error messages. */
    public String expected() {
        return expected;
    }

    /** Values of this type are masked whenever they are shown. */
    public boolean secret() {
        return this == SECRET || this == HTTP_URL || this == JDBC_URL;
    }

    /** {@code raw} as it may be shown: secrets as ****, URLs with their password masked. */
    public String shown(String raw) {
        return switch (this) {
            case SECRET -> Secrets.MASK;
            case HTTP_URL, JDBC_URL -> Secrets.mask(raw);
            default -> raw;
        };
    }

    /**
     * The parsed value of {@code raw} (stripped first, except secrets); relative paths are resolved against
     * {@code base}.
     *
     * @throws Invalid when the value is not {@link #expected()}; its message, if any, says why in more detail
     */
    public Object parse(String raw, Path base) {
        String v = raw.strip();
        switch (this) {
            case STRING -> {
                return nonEmpty(v);
            }
            case OPTIONAL_STRING -> {
                return v;
            }
            case SECRET -> {
                return raw;
            }
            case HTTP_URL -> {
                if (!(v.startsWith("http://") || v.startsWith("https://")) || v.length() <= "https://".length()) {
                    throw new Invalid(null);
                }
                return v;
            }
            case JDBC_URL -> {
                if (!v.startsWith("jdbc:postgresql:")) {
                    throw new Invalid(null);
                }
                return v;
            }
            case BOOLEAN -> {
                if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(v.toLowerCase(Locale.ROOT));
                }
                throw new Invalid(null);
            }
            case PATH -> {
                try {
                    return base.resolve(nonEmpty(v)).normalize();
                } catch (InvalidPathException e) {
                    throw new Invalid(e.getMessage());
                }
            }
            case IDENTIFIER -> {
                if (!v.matches("[a-z_][a-z0-9_]{0,62}")) {
                    throw new Invalid(null);
                }
                return v;
            }
            case TEMPLATE -> {
                return template(v);
            }
            case REGEX -> {
                try {
                    return Pattern.compile(v);
                } catch (PatternSyntaxException e) {
                    throw new Invalid(e.getDescription());
                }
            }
            case DURATION -> {
                return Durations.parse(v).orElseThrow(() -> new Invalid(null));
            }
            case PG_DURATION -> {
                try {
                    return PgDurations.parse(v);
                } catch (IllegalArgumentException e) {
                    throw new Invalid(e.getMessage());
                }
            }
            case OPTIONAL_DURATION -> {
                if (v.equalsIgnoreCase("off") || v.equals("0")) {
                    return Optional.<Duration>empty();
                }
                return Optional.of(Durations.parse(v).orElseThrow(() -> new Invalid(null)));
            }
            case POSITIVE_INT, REPLICATION, PORT -> {
                int n = (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
                boolean ok = switch (this) {
                    case POSITIVE_INT -> n >= 1;
                    case REPLICATION -> n >= 1 || n == -1;
                    default -> n >= -1 && n <= 65535;
                };
                if (!ok) {
                    throw new Invalid(null);
                }
                return n;
            }
            case POSITIVE_LONG -> {
                return whole(v, 1, Long.MAX_VALUE);
            }
            case LIST -> {
                List<String> names = Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
                if (names.stream().anyMatch(x -> x.chars().anyMatch(Character::isWhitespace))) {
                    throw new Invalid("names must not contain spaces");
                }
                return names;
            }
            default -> throw new IllegalStateException(name());
        }
    }

    private static String nonEmpty(String v) {
        if (v.isEmpty()) {
            throw new Invalid(null);
        }
        return v;
    }

    private static long whole(String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new Invalid(null);
        }
        if (n < min || n > max) {
            throw new Invalid(null);
        }
        return n;
    }

    private static String template(String v) {
        if (!v.contains("%(rev)s")) {
            throw new Invalid("the template must contain %(rev)s, so that every revision gets its own file");
        }
        try {
            new FileNameTemplate(v, Optional.empty()); // the script directory's own validation
        } catch (ConvoyException e) {
            throw new Invalid(e.getMessage());
        }
        return v;
    }

    /** A value that is not of its type; the message (possibly null) is the detail. */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(String detail) {
            super(detail);
        }

        /** Why, beyond "expected ...": null when there is nothing more to say. */
        public String detail() {
            return getMessage();
        }
    }
}
