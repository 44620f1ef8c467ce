package io.convoy.core.graph;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relative identifier, Alembic's {@code [<branch>@][<symbol>](+|-)N}: {@code +2}, {@code -1},
 * {@code ae10+2}, {@code head-1}, {@code billing@+1}, {@code billing@ae10-1}.
 *
 * @param branch a branch label or revision naming the branch, or null
 * @param symbol the revision counted from, or null to count from the current heads
 * @param steps  signed number of steps: positive walks up, negative walks down
 * @param text   the identifier as written, for messages
 */
record RelativeSpec(String branch, String symbol, int steps, String text) {
    private static final Pattern RELATIVE = Pattern.compile("(?:([^@]+)@)?([^@+\\-]+)?([+-]\\d{1,9})");

    /** The parsed identifier, or null when {@code spec} is not relative. */
    static RelativeSpec parse(String spec) {
        Matcher m = RELATIVE.matcher(spec);
        if (!m.matches()) {
            return null;
        }
        return new RelativeSpec(m.group(1), m.group(2), Integer.parseInt(m.group(3)), spec);
    }

    boolean up() { return steps > 0; }

    int count() { return Math.abs(steps); }
}
