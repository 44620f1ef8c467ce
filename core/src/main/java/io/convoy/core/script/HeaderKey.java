package io.convoy.core.script;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One header key of a revision file ({@code -- convoy:<name>: <value>}), with the parser of its
 * value. {@link #ALL} is the one table of known keys: to add a key, declare a constant here, add
 * it to {@code ALL}, and read it where the {@link Revision} is built ({@link RevisionParser}).
 *
 * @param name        the key as written after {@code convoy:}
 * @param required    whether every revision file must have it
 * @param description what it means, for error messages and help
 * @param parser      turns the (trimmed, non-empty) value into {@code T}; throws
 *                    IllegalArgumentException saying what is wrong
 * @param <T>         the type of the parsed value
 */
public record HeaderKey<T>(String name, boolean required, String description, Function<String, T> parser) {

    public static final HeaderKey<String> REVISION = new HeaderKey<>("revision", true,
            "the revision id", RevisionIds::checkId);
    public static final HeaderKey<List<String>> DOWN_REVISION = new HeaderKey<>("down_revision", false,
            "parent revision ids, comma-separated (several for a merge; omit for a base)", v -> list(v, RevisionIds::checkId));
    public static final HeaderKey<Set<String>> BRANCH_LABELS = new HeaderKey<>("branch_labels", false,
            "branch labels, comma-separated", v -> new LinkedHashSet<>(list(v, RevisionIds::checkLabel)));
    public static final HeaderKey<List<String>> DEPENDS_ON = new HeaderKey<>("depends_on", false,
            "revision ids or branch labels this revision must come after, comma-separated", v -> list(v, RevisionIds::checkId));
    public static final HeaderKey<String> MESSAGE = new HeaderKey<>("message", false,
            "what the revision does", v -> v);
    public static final HeaderKey<Boolean> TRANSACTIONAL = new HeaderKey<>("transactional", false,
            "true (default) or false (for CREATE INDEX CONCURRENTLY and kin)", HeaderKey::bool);
    public static final HeaderKey<Duration> LOCK_TIMEOUT = new HeaderKey<>("lock_timeout", false,
            "lock_timeout for this revision's statements (500ms, 5s, 2min, 1h; bare number = ms)", PgDurations::parse);
    public static final HeaderKey<Duration> STATEMENT_TIMEOUT = new HeaderKey<>("statement_timeout", false,
            "statement_timeout for this revision's statements (500ms, 5s, 2min, 1h; bare number = ms)", PgDurations::parse);

    /** Every known key, in the order a new revision file writes them. */
    public static final List<HeaderKey<?>> ALL = List.of(
            REVISION, DOWN_REVISION, BRANCH_LABELS, DEPENDS_ON, MESSAGE, TRANSACTIONAL, LOCK_TIMEOUT, STATEMENT_TIMEOUT);

    public HeaderKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parser, "parser");
    }

    public static Optional<HeaderKey<?>> byName(String name) {
        return ALL.stream().filter(k -> k.name.equals(name)).<HeaderKey<?>>map(k -> k).findFirst();
    }

    /** {@code revision, down_revision, ...}: the known key names, for error messages. */
    public static String knownNames() {
        return String.join(", ", ALL.stream().map(HeaderKey::name).toList());
    }

    /** Parses a value; IllegalArgumentException saying what is wrong. */
    public T parse(String value) {
        return parser.apply(value);
    }

    /** {@code -- convoy:<name>: <value>}. */
    public String line(String value) {
        return RevisionParser.MARKER + name + ": " + value;
    }

    /** A comma-separated list: items trimmed, each checked; empty items and repeated items rejected. */
    static List<String> list(String value, Function<String, String> check) {
        List<String> items = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            String item = raw.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty item in comma-separated list '" + value + "'");
            }
            if (items.contains(item)) {
                throw new IllegalArgumentException("'" + item + "' is listed twice");
            }
            items.add(check.apply(item));
        }
        return items;
    }

    static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + value + "' is not a boolean: use true or false");
        };
    }
}
