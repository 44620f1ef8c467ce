package io.convoy.core.script;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL-style durations, as written for {@code lock_timeout} and {@code statement_timeout}:
 * a non-negative number (decimals allowed) with an optional unit {@code us}, {@code ms}, {@code s},
 * {@code min}, {@code h} or {@code d} (case-sensitive, as in PostgreSQL; blanks between number and
 * unit allowed); a bare number means milliseconds. At most {@value #MAX_MILLIS} ms, PostgreSQL's
 * limit for these settings. {@code 0} is allowed (it disables the timeout in PostgreSQL).
 */
public final class PgDurations {
    public static final long MAX_MILLIS = Integer.MAX_VALUE;

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,18}(?:\\.\\d{1,9})?)\\s*(us|ms|s|min|h|d)?");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "us", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "min", 60_000_000_000L,
            "h", 3_600_000_000_000L,
            "d", 86_400_000_000_000L);

    private PgDurations() {}

    /** Parses {@code 500ms}, {@code 5s}, {@code 2min}, {@code 1h}, {@code 250}; IllegalArgumentException saying why otherwise. */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = SYNTAX.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + t + "' is not a duration: expected a number with an optional unit"
                    + " us, ms, s, min, h or d (e.g. 500ms, 5s, 2min, 1h); a bare number means milliseconds");
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(unit)));
        if (nanos.compareTo(BigDecimal.valueOf(MAX_MILLIS).multiply(BigDecimal.valueOf(1_000_000L))) > 0) {
            throw new IllegalArgumentException("'" + t + "' is too long: PostgreSQL allows at most " + MAX_MILLIS + "ms");
        }
        return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }
}
