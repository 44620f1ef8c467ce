package io.convoy.core.graph;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;

/** The {@code start:end} syntax shared by offline ranges and history ranges. */
final class RangeSyntax {
    private RangeSyntax() {}

    /** {@code [start, end]}, each stripped and possibly empty; MIG020 naming the argument unless there is exactly one colon. */
    static String[] split(String range, String what, String example) {
        String r = range == null ? "" : range.strip();
        int colon = r.indexOf(':');
        if (colon < 0 || r.indexOf(':', colon + 1) >= 0) {
            throw new ConvoyException(ErrorCode.MIG020, what + " '" + r + "' must have the form <start>:<end> with one colon, e.g. " + example);
        }
        return new String[] {r.substring(0, colon).strip(), r.substring(colon + 1).strip()};
    }
}
