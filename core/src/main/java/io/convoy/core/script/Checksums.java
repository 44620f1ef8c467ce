package io.convoy.core.script;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checksums of revision files. A revision's checksum is the SHA-256 of its {@linkplain
 * #normalize normalized} text, so that a git line-ending conversion, an editor adding or removing
 * a BOM, trailing blanks or a final newline do not change it, while any change to the SQL or to
 * a header does.
 */
public final class Checksums {
    private static final HexFormat HEX = HexFormat.of();

    private Checksums() {}

    /** SHA-256 of the UTF-8 bytes of {@code text}, lower-case hex (64 characters). */
    public static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The checksum of a revision file's text: {@code sha256Hex(normalize(text))}. */
    public static String ofRevisionText(String text) {
        return sha256Hex(normalize(text));
    }

    /**
     * The normalized form of a revision file's text: a leading UTF-8 BOM removed, CRLF and CR
     * turned into LF, trailing whitespace removed from every line, trailing blank lines dropped;
     * lines joined with LF, with no final line break.
     */
    public static String normalize(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String[] lines = t.split("\r\n|\r|\n", -1);
        List<String> kept = new ArrayList<>(lines.length);
        for (String line : lines) {
            kept.add(line.stripTrailing());
        }
        int end = kept.size();
        while (end > 0 && kept.get(end - 1).isEmpty()) {
            end--;
        }
        return String.join("\n", kept.subList(0, end));
    }
}
