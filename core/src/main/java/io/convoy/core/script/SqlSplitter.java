package io.convoy.core.script;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a PostgreSQL script into statements on top-level semicolons, with PostgreSQL's own
 * lexical rules (no database needed):
 * <ul>
 *   <li>{@code '...'} strings with {@code ''} escapes (standard_conforming_strings on, the default
 *       since PostgreSQL 9.1), also with a {@code B}/{@code X}/{@code N} prefix;</li>
 *   <li>{@code E'...'} strings, where a backslash escapes the next character ({@code E'it\'s;'});</li>
 *   <li>{@code U&'...'} strings and {@code U&"..."} identifiers;</li>
 *   <li>{@code "..."} identifiers with {@code ""} escapes;</li>
 *   <li>dollar quotes {@code $$...$$} and {@code $tag$...$tag$} (a {@code $} inside an
 *       identifier such as {@code a$b}, and parameters such as {@code $1}, are not quotes);</li>
 *   <li>{@code --} line comments and {@code /* ... *}{@code /} block comments, which nest;</li>
 *   <li>parentheses: a semicolon inside them does not split (multi-action rules
 *       {@code CREATE RULE ... DO ALSO (...; ...)});</li>
 *   <li>SQL-standard routine bodies {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC
 *       ... END}: semicolons inside do not split, and a {@code CASE ... END} inside does not end the
 *       body (the same heuristic as psql 14+, but counting only {@code BEGIN} directly followed
 *       by {@code ATOMIC}).</li>
 * </ul>
 * psql meta-commands ({@code \i}, {@code \set}, {@code \gset}, ...) are not supported: a backslash
 * outside quotes and comments is an error naming its line.
 *
 * <p>Each statement runs from its first token to its last: leading comments (and whitespace) are
 * dropped, comments inside a statement are kept verbatim, and a comment between the last token
 * and the semicolon is dropped (so that appending {@code ;} when rendering SQL never lands inside
 * a comment). Pieces with no token at all ({@code ;;;}, comment-only text) are dropped. The last
 * statement needs no semicolon.
 *
 * <p>Errors are {@link ConvoyException}s with {@link ErrorCode#MIG010} naming the line where the
 * offending construct started: an unterminated quote, dollar quote or comment, an unclosed
 * parenthesis, a {@code BEGIN ATOMIC} without its {@code END}, a psql meta-command.
 */
public final class SqlSplitter {

    private SqlSplitter() {}

    /** The statements of {@code sql}, trimmed, without trailing semicolons. */
    public static List<String> split(String sql) {
        return statements(sql).stream().map(SqlStatement::sql).toList();
    }

    /** The statements of {@code sql} with the 1-based line each starts on. Errors say {@code line N: ...}. */
    public static List<SqlStatement> statements(String sql) {
        return statements(sql, null, 1);
    }

    /**
     * The statements of {@code sql}, which starts on line {@code firstLine} of {@code source} (a
     * file name, or null). Lines in the result and in errors are lines of {@code source}; errors
     * say {@code <source>:<line>: ...}.
     */
    public static List<SqlStatement> statements(String sql, String source, int firstLine) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        if (firstLine < 1) {
            throw new IllegalArgumentException("firstLine must be >= 1: " + firstLine);
        }
        return new Scanner(sql, source, firstLine).run();
    }

    private static final class Scanner {
        private final String s;
        private final String source;
        private final List<SqlStatement> out = new ArrayList<>();
        private int pos;
        private int line;

        // the statement being scanned
        private int stmtStart = -1;
        private int stmtLine;
        private int lastTokenEnd;
        private int parenDepth;
        private int parenLine;
        private int beginDepth;
        private int beginLine;
        /** Lower-cased first identifiers of the statement (up to 4), to recognise CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
        private final String[] firstWords = new String[4];
        private int wordCount;
        /** The previous token when it was an unquoted identifier (lower-cased), else null. */
        private String previousWord;

        Scanner(String s, String source, int firstLine) {
            this.s = s;
            this.source = source;
            this.line = firstLine;
        }

        List<SqlStatement> run() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (isSpace(c)) {
                    bump();
                    continue;
                }
                if (c == '-' && peek(1) == '-') {
                    while (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                        pos++;
                    }
                    continue;
                }
                if (c == '/' && peek(1) == '*') {
                    skipBlockComment();
                    continue;
                }
                if (c == ';' && parenDepth == 0 && beginDepth == 0) {
                    endStatement();
                    pos++;
                    continue;
                }
                if (stmtStart < 0) {
                    stmtStart = pos;
                    stmtLine = line;
                }
                String word = token(c);
                previousWord = word;
                lastTokenEnd = pos;
            }
            if (parenDepth > 0) {
                throw error(parenLine, "unclosed parenthesis: '(' has no matching ')'");
            }
            if (beginDepth > 0) {
                throw error(beginLine, "BEGIN ATOMIC has no matching END");
            }
            endStatement();
            return List.copyOf(out);
        }

        /** Consumes one token starting at {@code c}; returns it lower-cased if it was an unquoted identifier. */
        private String token(char c) {
            int tokenLine = line;
            switch (c) {
                case '\'' -> {
                    skipString(false);
                    return null;
                }
                case '"' -> {
                    skipQuotedIdentifier();
                    return null;
                }
                case '$' -> {
                    skipDollar();
                    return null;
                }
                case '(' -> {
                    if (parenDepth++ == 0) {
                        parenLine = tokenLine;
                    }
                    pos++;
                    return null;
                }
                case ')' -> {
                    if (parenDepth > 0) {
                        parenDepth--;
                    }
                    pos++;
                    return null;
                }
                case '\\' -> throw metaCommand();
                default -> {
                    if (isIdentStart(c)) {
                        return identifier(tokenLine);
                    }
                    if (isDigit(c)) {
                        while (pos < s.length() && (isIdentCont(s.charAt(pos)) && s.charAt(pos) != '$' || s.charAt(pos) == '.')) {
                            pos++;
                        }
                        return null;
                    }
                    pos++; // operator character or other punctuation
                    return null;
                }
            }
        }

        private String identifier(int tokenLine) {
            int start = pos;
            while (pos < s.length() && isIdentCont(s.charAt(pos))) {
                pos++;
            }
            String word = s.substring(start, pos);
            if (word.equalsIgnoreCase("e") && peek(0) == '\'') {
                skipString(true);
                return null;
            }
            if (word.equalsIgnoreCase("u") && peek(0) == '&' && (peek(1) == '\'' || peek(1) == '"')) {
                pos++;
                if (peek(0) == '\'') {
                    skipString(false);
                } else {
                    skipQuotedIdentifier();
                }
                return null;
            }
            String lower = word.toLowerCase(Locale.ROOT);
            if (wordCount < firstWords.length) {
                firstWords[wordCount] = lower;
            }
            wordCount++;
            if (isRoutineDefinition() && parenDepth == 0) {
                if (lower.equals("atomic") && "begin".equals(previousWord) && beginDepth == 0) {
                    beginDepth = 1;
                    beginLine = tokenLine;
                } else if (lower.equals("case") && beginDepth > 0) {
                    beginDepth++;
                } else if (lower.equals("end") && beginDepth > 0) {
                    beginDepth--;
                }
            }
            return lower;
        }

        private boolean isRoutineDefinition() {
            if (!"create".equals(firstWords[0])) {
                return false;
            }
            if (isRoutineKeyword(firstWords[1])) {
                return true;
            }
            return "or".equals(firstWords[1]) && "replace".equals(firstWords[2]) && isRoutineKeyword(firstWords[3]);
        }

        private static boolean isRoutineKeyword(String w) {
            return "function".equals(w) || "procedure".equals(w);
        }

        private void endStatement() {
            if (stmtStart >= 0) {
                out.add(new SqlStatement(s.substring(stmtStart, lastTokenEnd), stmtLine));
            }
            stmtStart = -1;
            parenDepth = 0;
            beginDepth = 0;
            wordCount = 0;
            java.util.Arrays.fill(firstWords, null);
            previousWord = null;
        }

        private void skipString(boolean backslashEscapes) {
            int startLine = line;
            pos++; // opening quote
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\'') {
                    if (peek(1) == '\'') {
                        pos += 2;
                        continue;
                    }
                    pos++;
                    return;
                }
                if (c == '\\' && backslashEscapes) {
                    pos++;
                    if (pos < s.length()) {
                        bump();
                    }
                    continue;
                }
                bump();
            }
            throw error(startLine, backslashEscapes
                    ? "unterminated E'...' string: the quote opened here is never closed"
                    : "unterminated quoted string: the quote opened here is never closed");
        }

        private void skipQuotedIdentifier() {
            int startLine = line;
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '"') {
                    if (peek(1) == '"') {
                        pos += 2;
                        continue;
                    }
                    pos++;
                    return;
                }
                bump();
            }
            throw error(startLine, "unterminated quoted identifier: the double quote opened here is never closed");
        }

        /** At a {@code $}: a dollar quote, a parameter ({@code $1}) or a lone dollar sign. */
        private void skipDollar() {
            int startLine = line;
            int end = pos + 1;
            if (end < s.length() && isDollarTagStart(s.charAt(end))) {
                while (end < s.length() && isDollarTagCont(s.charAt(end))) {
                    end++;
                }
            }
            if (end >= s.length() || s.charAt(end) != '$') {
                // $1 parameter, or a '$' that starts no quote: a plain character, as in PostgreSQL
                pos++;
                while (pos < s.length() && isDigit(s.charAt(pos))) {
                    pos++;
                }
                return;
            }
            String delimiter = s.substring(pos, end + 1);
            int close = s.indexOf(delimiter, end + 1);
            if (close < 0) {
                throw error(startLine, "unterminated dollar-quoted string: " + delimiter + " opened here is never closed");
            }
            pos = end + 1;
            while (pos < close) {
                bump();
            }
            pos = close + delimiter.length();
        }

        private void skipBlockComment() {
            int startLine = line;
            int depth = 0;
            while (pos < s.length()) {
                if (s.charAt(pos) == '/' && peek(1) == '*') {
                    depth++;
                    pos += 2;
                } else if (s.charAt(pos) == '*' && peek(1) == '/') {
                    depth--;
                    pos += 2;
                    if (depth == 0) {
                        return;
                    }
                } else {
                    bump();
                }
            }
            throw error(startLine, "unterminated /* comment: the comment opened here is never closed"
                    + (depth > 1 ? " (block comments nest: " + depth + " are still open)" : ""));
        }

        private ConvoyException metaCommand() {
            int end = pos + 1;
            while (end < s.length() && !isSpace(s.charAt(end)) && s.charAt(end) != ';') {
                end++;
            }
            String command = s.substring(pos, end);
            return error(line, "psql meta-command " + command + " is not supported: revision files hold plain SQL only");
        }

        /** Advances one character, counting lines ({@code \n}, {@code \r\n} and a lone {@code \r} each end one). */
        private void bump() {
            char c = s.charAt(pos++);
            if (c == '\n' || (c == '\r' && peek(0) != '\n')) {
                line++;
            }
        }

        private char peek(int ahead) {
            int i = pos + ahead;
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private ConvoyException error(int atLine, String what) {
            String where = source == null ? "line " + atLine : source + ":" + atLine;
            return new ConvoyException(ErrorCode.MIG010, where + ": " + what);
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** PostgreSQL: {@code [A-Za-z\200-\377_]}, i.e. any non-ASCII character counts as a letter. */
    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    /** PostgreSQL: identifiers may contain digits and {@code $} after the first character. */
    private static boolean isIdentCont(char c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isDollarTagStart(char c) {
        return isIdentStart(c);
    }

    private static boolean isDollarTagCont(char c) {
        return isIdentStart(c) || isDigit(c);
    }
}
