package io.convoy.core.script;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a revision id and a branch label may look like.
 * <ul>
 *   <li>id: 1 to 64 of {@code [0-9A-Za-z_]}; new ids are 12 random lower-case hex digits;</li>
 *   <li>branch label: an identifier, {@code [A-Za-z_][A-Za-z0-9_]*}, at most 64 characters.</li>
 * </ul>
 * Neither may be one of the words that revision identifiers give a meaning to ({@code head},
 * {@code heads}, {@code base}, {@code current}, in any case), and neither can contain the
 * characters those identifiers use as operators ({@code @ + - :}), so {@code label@head},
 * {@code rev+2}, {@code rev-1} and {@code a:b} stay unambiguous.
 */
public final class RevisionIds {
    public static final Pattern ID = Pattern.compile("[0-9A-Za-z_]{1,64}");
    public static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    public static final Set<String> RESERVED = Set.of("head", "heads", "base", "current");

    private static final SecureRandom RANDOM = new SecureRandom();

    private RevisionIds() {}

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches() && !isReserved(id);
    }

    /** Returns {@code id}, or throws IllegalArgumentException saying what is wrong with it. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a valid revision id: use 1 to 64 letters, digits or underscores");
        }
        if (isReserved(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a valid revision id: it is a reserved word (" + String.join(", ", RESERVED.stream().sorted().toList()) + ")");
        }
        return id;
    }

    /** Returns {@code label}, or throws IllegalArgumentException saying what is wrong with it. */
    public static String checkLabel(String label) {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("'" + label + "' is not a valid branch label: use an identifier"
                    + " (a letter or underscore, then letters, digits or underscores; at most 64)");
        }
        if (isReserved(label)) {
            throw new IllegalArgumentException("'" + label + "' is not a valid branch label: it is a reserved word (" + String.join(", ", RESERVED.stream().sorted().toList()) + ")");
        }
        return label;
    }

    /** A new random id: 12 lower-case hex digits (48 random bits), like Alembic's. */
    public static String random() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static boolean isReserved(String word) {
        return RESERVED.contains(word.toLowerCase(Locale.ROOT));
    }
}
