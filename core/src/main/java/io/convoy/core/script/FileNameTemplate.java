package io.convoy.core.script;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * File names of new revisions, Alembic style: {@code %(rev)s_%(slug)s.sql} by default; tokens
 * {@code rev}, {@code slug}, {@code year}, {@code month}, {@code day}, {@code hour}, {@code minute},
 * {@code second}, {@code ticket}. An optional ticket pattern (e.g. {@code [A-Z]+-\d+}) must match
 * the message of a new revision. SKELETON: written by the script work.
 */
public record FileNameTemplate(String template, Optional<Pattern> ticketPattern) {
    public static final String DEFAULT = "%(rev)s_%(slug)s";
}
