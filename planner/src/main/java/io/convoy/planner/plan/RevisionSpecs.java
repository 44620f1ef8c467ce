package io.convoy.planner.plan;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What can be said about a revision spec before knowing a target's heads. */
final class RevisionSpecs {
    /** Alembic's relative identifier {@code [<branch>@][<symbol>](+|-)N}, as the graph module reads it. */
    private static final Pattern RELATIVE = Pattern.compile("(?:([^@]+)@)?([^@+\\-]+)?([+-]\\d{1,9})");

    private RevisionSpecs() {}

    /**
     * True when the spec means something only against a target's current heads: {@code current},
     * {@code X@current}, a relative identifier without a symbol ({@code -1}, {@code +2}, {@code billing@-1}) or
     * counting from {@code current}. Such specs are checked per target; every other spec resolves the same for
     * every target and is checked once per request.
     */
    static boolean dependsOnCurrentHeads(String spec) {
        String s = spec.strip();
        Matcher m = RELATIVE.matcher(s);
        if (m.matches()) {
            return m.group(2) == null || m.group(2).equals("current");
        }
        int at = s.indexOf('@');
        return (at >= 0 ? s.substring(at + 1) : s).equals("current");
    }
}
