package io.convoy.core.script;

import static io.convoy.core.script.SqlSplitter.split;
import static io.convoy.core.script.SqlSplitter.statements;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class SqlSplitterTest {

    @Test
    void splitsOnTopLevelSemicolonsAndTrims() {
        assertThat(split("  select 1 ;\n\n  select 2;  \n")).containsExactly("select 1", "select 2");
    }

    @Test
    void lastStatementNeedsNoSemicolon() {
        assertThat(split("select 1; select 2")).containsExactly("select 1", "select 2");
        assertThat(split("select 1")).containsExactly("select 1");
    }

    @Test
    void emptyStatementsAndCommentOnlyPiecesAreDropped() {
        assertThat(split(";;;select 1;;; ;\n;-- nothing\n; /* still nothing */ ;")).containsExactly("select 1");
        assertThat(split("")).isEmpty();
        assertThat(split("   \n\t ")).isEmpty();
        assertThat(split("-- only a comment")).isEmpty();
    }

    @Test
    void semicolonInStandardStringWithDoubledQuotes() {
        assertThat(split("insert into t values ('it''s; fine', ';'); select ''';'''"))
                .containsExactly("insert into t values ('it''s; fine', ';')", "select ''';'''");
    }

    @Test
    void prefixedStandardStrings() {
        assertThat(split("select B'101', X'1F', N'a;b'; select 2"))
                .containsExactly("select B'101', X'1F', N'a;b'", "select 2");
    }

    @Test
    void escapeStringWithBackslashEscapedQuote() {
        assertThat(split("select E'it\\'s;'; select e'\\\\'; select E'a''b;c'"))
                .containsExactly("select E'it\\'s;'", "select e'\\\\'", "select E'a''b;c'");
    }

    @Test
    void backslashInStandardStringIsAnOrdinaryCharacter() {
        // standard_conforming_strings: 'C:\' is a complete string, the ; after it splits
        assertThat(split("select 'C:\\'; select 2")).containsExactly("select 'C:\\'", "select 2");
    }

    @Test
    void identifierEndingInEIsNotAnEscapeStringPrefix() {
        // "somee" is an identifier; 'x\' is a standard string whose backslash escapes nothing
        assertThat(split("select somee'x\\'; select 2")).containsExactly("select somee'x\\'", "select 2");
    }

    @Test
    void unicodeEscapeStringsAndIdentifiers() {
        assertThat(split("select U&'d\\0061t\\+000061;' UESCAPE '\\', U&\"d;\" from t; select 2"))
                .containsExactly("select U&'d\\0061t\\+000061;' UESCAPE '\\', U&\"d;\" from t", "select 2");
    }

    @Test
    void quotedIdentifiersWithDoubledQuotesAndSemicolons() {
        assertThat(split("create table \"a;\"\"b\" (\"x;\" int); select \"\"\"\""))
                .containsExactly("create table \"a;\"\"b\" (\"x;\" int)", "select \"\"\"\"");
    }

    @Test
    void dollarQuotedFunctionBodyWithSemicolonsAndQuotes() {
        String fn = """
                CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE NOTICE 'it''s; here';
                  RETURN 'x;';
                END;
                $$""";
        assertThat(split(fn + ";\nselect f();")).containsExactly(fn, "select f()");
    }

    @Test
    void taggedDollarQuotesWithTheSamePrefixNest() {
        String sql = "select $ab$ one; $a$ two; $a$ three; $ab$; select $a$x$ab$y$a$";
        assertThat(split(sql)).containsExactly("select $ab$ one; $a$ two; $a$ three; $ab$", "select $a$x$ab$y$a$");
    }

    @Test
    void dollarQuoteInsideDollarQuoteWithOtherTag() {
        String fn = "create function g() returns void as $fn$ begin execute $q$select ';'$q$; end $fn$ language plpgsql";
        assertThat(split(fn + "; select 1")).containsExactly(fn, "select 1");
    }

    @Test
    void parametersAndDollarsInIdentifiersAreNotDollarQuotes() {
        assertThat(split("prepare p as select $1, $2 from a$b where c$ = $1; select x$$y from t; select 3"))
                .containsExactly("prepare p as select $1, $2 from a$b where c$ = $1", "select x$$y from t", "select 3");
    }

    @Test
    void lineCommentsHideSemicolonsAndQuotes() {
        assertThat(split("select 1 -- it's; not; split\n+ 1; select 2 --; '\n"))
                .containsExactly("select 1 -- it's; not; split\n+ 1", "select 2");
    }

    @Test
    void blockCommentsNest() {
        String sql = "select /* a /* nested; */ still comment; ' */ 1; /* /* */ */ select 2";
        assertThat(split(sql)).containsExactly("select /* a /* nested; */ still comment; ' */ 1", "select 2");
    }

    @Test
    void commentStartsInsideOtherComments() {
        assertThat(split("select 1 -- /* not a block comment\n; select 2 /* -- not a line comment; */ + 1"))
                .containsExactly("select 1", "select 2 /* -- not a line comment; */ + 1");
    }

    @Test
    void leadingCommentsAreDroppedAndCommentBeforeSemicolonToo() {
        assertThat(statements("-- create users\n/* block */\nCREATE TABLE users (id int) -- trailing\n;\n-- end"))
                .containsExactly(new SqlStatement("CREATE TABLE users (id int)", 3));
    }

    @Test
    void doBlock() {
        String block = "DO $do$\nDECLARE n int;\nBEGIN\n  SELECT 1 INTO n;\n  IF n = 1 THEN RAISE NOTICE 'one;'; END IF;\nEND\n$do$";
        assertThat(split(block + ";\nselect 2;")).containsExactly(block, "select 2");
    }

    @Test
    void beginAtomicBodyWithCaseEnd() {
        String fn = """
                CREATE FUNCTION sign_of(x int) RETURNS text
                LANGUAGE sql
                BEGIN ATOMIC
                  SELECT CASE WHEN x > 0 THEN 'pos;' WHEN x < 0 THEN 'neg' ELSE 'zero' END;
                  SELECT case x when 1 then 'one' end;
                END""";
        assertThat(split(fn + ";\nSELECT sign_of(1);")).containsExactly(fn, "SELECT sign_of(1)");
    }

    @Test
    void beginAtomicProcedureWithOrReplaceAndParenthesisedCase() {
        String fn = "create or replace procedure p() language sql begin atomic insert into t values ((case when true then 1 end)); "
                + "update t set x = 2; end";
        assertThat(split(fn + "; begin; commit")).containsExactly(fn, "begin", "commit");
    }

    @Test
    void transactionBeginAndEndAreNotBodies() {
        assertThat(split("BEGIN; SELECT CASE WHEN true THEN 1 END; END; select 'begin atomic'"))
                .containsExactly("BEGIN", "SELECT CASE WHEN true THEN 1 END", "END", "select 'begin atomic'");
    }

    @Test
    void semicolonsInsideParenthesesDoNotSplit() {
        String rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); INSERT INTO log VALUES (2))";
        assertThat(split(rule + "; select 1")).containsExactly(rule, "select 1");
    }

    @Test
    void crlfLineEndingsAndLineNumbers() {
        String sql = "-- header\r\nselect 1;\r\n\r\nselect\r\n  'a;\r\nb';\r\nselect 3";
        assertThat(statements(sql)).containsExactly(
                new SqlStatement("select 1", 2),
                new SqlStatement("select\r\n  'a;\r\nb'", 4),
                new SqlStatement("select 3", 7));
    }

    @Test
    void loneCarriageReturnsCountAsLineEnds() {
        assertThat(statements("select 1;\r-- c\rselect 2")).containsExactly(
                new SqlStatement("select 1", 1), new SqlStatement("select 2", 3));
    }

    @Test
    void statementLinesAreOffsetBySourceLine() {
        assertThat(statements("\n\nselect 1;\nselect 2", "v.sql", 10)).containsExactly(
                new SqlStatement("select 1", 12), new SqlStatement("select 2", 13));
    }

    @Test
    void unicodeEverywhere() {
        String sql = "create table \"ユーザー\" (名前 text default 'naïve; ☕ 😀'); insert into café values ($€$;$€$); select 'ok'";
        assertThat(split(sql)).containsExactly(
                "create table \"ユーザー\" (名前 text default 'naïve; ☕ 😀')",
                "insert into café values ($€$;$€$)",
                "select 'ok'");
    }

    @Test
    void operatorsThatLookLikeCommentStartsInsideTokens() {
        assertThat(split("select 2-1; select 4/2; select '--', '/*'; select 1 */ 2"))
                .containsExactly("select 2-1", "select 4/2", "select '--', '/*'", "select 1 */ 2");
    }

    @Test
    void unterminatedStringNamesItsLine() {
        assertMig010(() -> split("select 1;\nselect 'abc;\nselect 3;"))
                .hasMessage("line 2: unterminated quoted string: the quote opened here is never closed");
    }

    @Test
    void unterminatedEscapeStringWhoseLastQuoteIsEscaped() {
        assertMig010(() -> split("select E'it\\';")).hasMessageStartingWith("line 1: unterminated E'...' string");
    }

    @Test
    void unterminatedQuotedIdentifier() {
        assertMig010(() -> statements("\n\nselect \"abc;", "f.sql", 5)).hasMessageStartingWith("f.sql:7: unterminated quoted identifier");
    }

    @Test
    void unterminatedDollarQuoteNamesTheTag() {
        assertMig010(() -> split("select 1;\n\ncreate function f() as $body$ select 1; $bod$;"))
                .hasMessage("line 3: unterminated dollar-quoted string: $body$ opened here is never closed");
    }

    @Test
    void unterminatedNestedBlockComment() {
        assertMig010(() -> split("select 1; /* outer\n /* inner */ still open;\nselect 2;"))
                .hasMessageStartingWith("line 1: unterminated /* comment");
    }

    @Test
    void unclosedParenthesis() {
        assertMig010(() -> split("select 1;\nselect (1;\nselect 2")).hasMessage("line 2: unclosed parenthesis: '(' has no matching ')'");
    }

    @Test
    void beginAtomicWithoutEnd() {
        assertMig010(() -> split("create function f() returns int language sql\nbegin atomic select 1; select case when true then 1 end;"))
                .hasMessage("line 2: BEGIN ATOMIC has no matching END");
    }

    @Test
    void psqlMetaCommandIsAnErrorNamingTheLine() {
        assertMig010(() -> split("select 1;\n\\i other.sql\nselect 2;"))
                .hasMessage("line 2: psql meta-command \\i is not supported: revision files hold plain SQL only");
        assertMig010(() -> statements("select 1 \\gset", "x.sql", 4)).hasMessageStartingWith("x.sql:4: psql meta-command \\gset");
    }

    @Test
    void backslashInsideQuotesAndCommentsIsFine() {
        assertThat(split("select E'\\n';\n-- \\i not a command\n/* \\set x */ select $$\n\\x$$"))
                .containsExactly("select E'\\n'", "select $$\n\\x$$");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertMig010(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return assertThatThrownBy(call)
                .isInstanceOf(ConvoyException.class)
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(ErrorCode.MIG010));
    }
}
