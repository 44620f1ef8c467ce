package io.convoy.core.script;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.text.Normalizer;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * File names of new revisions, Alembic style: {@code %(rev)s_%(slug)s.sql} by default; tokens
 * {@code rev}, {@code slug}, {@code year}, {@code month}, {@code day}, {@code hour}, {@code minute},
 * {@code second}, {@code ticket}. An optional ticket pattern (e.g. {@code [A-Z]+-\d+}) must match
 * the message of a new revision.
 *
 * <ul>
 *   <li>{@code %%} is a literal {@code %}; any other {@code %} must start a known token.</li>
 *   <li>{@code .sql} is appended unless the template already ends with it.</li>
 *   <li>{@code year} has 4 digits, {@code month} ... {@code second} 2 (zero padded).</li>
 *   <li>{@code slug}: the message with accents removed, lower-cased, every run of characters other
 *       than {@code a-z0-9} turned into one {@code _}, {@code _} trimmed from both ends, and cut at a
 *       word boundary to at most {@value #TRUNCATE_SLUG_LENGTH} characters (Alembic's
 *       truncate_slug_length); a single longer word is cut hard.</li>
 *   <li>{@code ticket}: the first match of the ticket pattern in the message; when the template uses
 *       {@code %(ticket)s} and no pattern is configured, {@value #DEFAULT_TICKET_PATTERN} (and the
 *       empty string when the message has no match).</li>
 * </ul>
 * Construction validates the template (MIG020 for an unknown or malformed token, a path separator,
 * a leading dot that would make the file hidden); {@link #render} fails with MIG020 when a
 * configured ticket pattern does not match the message, or the rendered name is not a plain file
 * name.
 */
public record FileNameTemplate(String template, Optional<Pattern> ticketPattern) {
    public static final String DEFAULT = "%(rev)s_%(slug)s";
    public static final String DEFAULT_TICKET_PATTERN = "[A-Z][A-Z0-9]+-\\d+";
    public static final int TRUNCATE_SLUG_LENGTH = 40;
    public static final List<String> TOKENS = List.of("rev", "slug", "year", "month", "day", "hour", "minute", "second", "ticket");

    private static final String EXTENSION = ".sql";
    private static final Pattern DEFAULT_TICKET = Pattern.compile(DEFAULT_TICKET_PATTERN);
    private static final Pattern TOKEN = Pattern.compile("%\\(([^)]*)\\)s");

    public FileNameTemplate {
        if (template == null) {
            template = DEFAULT;
        }
        ticketPattern = ticketPattern == null ? Optional.empty() : ticketPattern;
        parts(template); // validates
    }

    /** The default template {@value #DEFAULT}, no ticket pattern. */
    public static FileNameTemplate defaults() {
        return new FileNameTemplate(DEFAULT, Optional.empty());
    }

    /** {@code template} (null or blank: the default) with an optional ticket regex (null or blank: none); MIG020 for a bad regex. */
    public static FileNameTemplate of(String template, String ticketRegex) {
        Optional<Pattern> pattern = Optional.empty();
        if (ticketRegex != null && !ticketRegex.isBlank()) {
            try {
                pattern = Optional.of(Pattern.compile(ticketRegex));
            } catch (PatternSyntaxException e) {
                throw new ConvoyException(ErrorCode.MIG020, "invalid ticket pattern '" + ticketRegex + "': " + e.getDescription(), e);
            }
        }
        return new FileNameTemplate(template == null || template.isBlank() ? DEFAULT : template, pattern);
    }

    /** Whether the template uses {@code %(ticket)s}. */
    public boolean usesTicket() {
        return parts(template).stream().anyMatch(p -> p.token && p.text.equals("ticket"));
    }

    /**
     * The ticket in {@code message}: the first match of the configured pattern, or, when none is
     * configured, of {@value #DEFAULT_TICKET_PATTERN}.
     */
    public Optional<String> ticket(String message) {
        Matcher m = ticketPattern.orElse(DEFAULT_TICKET).matcher(message == null ? "" : message);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    /** MIG020 when a ticket pattern is configured and {@code message} has no match; call before writing anything. */
    public void checkMessage(String message) {
        if (ticketPattern.isPresent() && ticket(message).isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG020,
                    "message must contain a ticket matching " + ticketPattern.get().pattern() + ": '" + (message == null ? "" : message) + "'");
        }
    }

    /** The file name (with {@code .sql}) of revision {@code rev} with {@code message}, created at {@code time}. */
    public String render(String rev, String message, LocalDateTime time) {
        checkMessage(message);
        StringBuilder name = new StringBuilder();
        for (Part part : parts(template)) {
            name.append(part.token ? value(part.text, rev, message, time) : part.text);
        }
        if (!template.endsWith(EXTENSION)) {
            name.append(EXTENSION);
        }
        String fileName = name.toString();
        if (fileName.indexOf('/') >= 0 || fileName.indexOf('\\') >= 0 || fileName.indexOf('\0') >= 0) {
            throw new ConvoyException(ErrorCode.MIG020, "file name template '" + template + "' produced '" + fileName
                    + "', which is not a plain file name (it holds a path separator)");
        }
        if (fileName.startsWith(".")) {
            throw new ConvoyException(ErrorCode.MIG020, "file name template '" + template + "' produced '" + fileName
                    + "', a hidden file name that would never be loaded");
        }
        return fileName;
    }

    /** The slug of a message, as described in the class comment. */
    public static String slug(String message) {
        String s = Normalizer.normalize(message == null ? "" : message, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        s = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        s = trimUnderscores(s);
        if (s.length() > TRUNCATE_SLUG_LENGTH) {
            boolean endsAtWord = s.charAt(TRUNCATE_SLUG_LENGTH) == '_';
            s = s.substring(0, TRUNCATE_SLUG_LENGTH);
            int lastBreak = s.lastIndexOf('_');
            if (!endsAtWord && lastBreak > 0) {
                s = s.substring(0, lastBreak);
            }
            s = trimUnderscores(s);
        }
        return s;
    }

    private String value(String token, String rev, String message, LocalDateTime time) {
        return switch (token) {
            case "rev" -> rev;
            case "slug" -> slug(message);
            case "year" -> String.format(Locale.ROOT, "%04d", time.getYear());
            case "month" -> String.format(Locale.ROOT, "%02d", time.getMonthValue());
            case "day" -> String.format(Locale.ROOT, "%02d", time.getDayOfMonth());
            case "hour" -> String.format(Locale.ROOT, "%02d", time.getHour());
            case "minute" -> String.format(Locale.ROOT, "%02d", time.getMinute());
            case "second" -> String.format(Locale.ROOT, "%02d", time.getSecond());
            case "ticket" -> ticket(message).orElse("");
            default -> throw new IllegalStateException("token validated at construction: " + token);
        };
    }

    private static String trimUnderscores(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '_') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '_') {
            end--;
        }
        return s.substring(start, end);
    }

    private record Part(boolean token, String text) {}

    /** Literal text and tokens of a template; MIG020 for anything malformed. */
    private static List<Part> parts(String template) {
        if (template.isBlank()) {
            throw new ConvoyException(ErrorCode.MIG020, "file name template must not be empty");
        }
        if (template.indexOf('/') >= 0 || template.indexOf('\\') >= 0) {
            throw new ConvoyException(ErrorCode.MIG020, "file name template '" + template
                    + "' contains a path separator; revision files live directly in the versions directory");
        }
        if (template.startsWith(".")) {
            throw new ConvoyException(ErrorCode.MIG020, "file name template '" + template
                    + "' starts with a dot: the files would be hidden and never loaded");
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            if (template.startsWith("%%", i)) {
                literal.append('%');
                i += 2;
                continue;
            }
            Matcher m = TOKEN.matcher(template).region(i, template.length());
            if (!m.lookingAt()) {
                throw new ConvoyException(ErrorCode.MIG020, "malformed token at position " + (i + 1) + " of file name template '"
                        + template + "': write %(name)s with name one of " + String.join(", ", TOKENS) + ", or %% for a literal %");
            }
            String name = m.group(1);
            if (!TOKENS.contains(name)) {
                throw new ConvoyException(ErrorCode.MIG020, "unknown token %(" + name + ")s in file name template '"
                        + template + "'; known tokens: " + String.join(", ", TOKENS));
            }
            if (!literal.isEmpty()) {
                parts.add(new Part(false, literal.toString()));
                literal.setLength(0);
            }
            parts.add(new Part(true, name));
            i = m.end();
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(false, literal.toString()));
        }
        return parts;
    }
}
