package io.convoy.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.regex.Pattern;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileNameTemplateTest {
    private static final LocalDateTime T = LocalDateTime.of(2024, 3, 5, 7, 8, 9);

    @Test
    void defaultTemplate() {
        assertThat(FileNameTemplate.defaults().render("3f2a9c1b7d4e", "Add users", T)).isEqualTo("3f2a9c1b7d4e_add_users.sql");
        assertThat(new FileNameTemplate(null, null).render("a1", "x", T)).isEqualTo("a1_x.sql");
        assertThat(FileNameTemplate.of(" ", null).template()).isEqualTo(FileNameTemplate.DEFAULT);
    }

    @Test
    void seedConventionWithDateSlugAndTicket() {
        FileNameTemplate t = FileNameTemplate.of("%(year)s%(month)s%(day)s_%(slug)s_%(ticket)s", null);
        assertThat(t.usesTicket()).isTrue();
        assertThat(t.render("3f2a9c1b7d4e", "add user table TICKET-123", T))
                .isEqualTo("20240305_add_user_table_ticket_123_TICKET-123.sql");
        assertThat(t.render("3f2a9c1b7d4e", "JIRA-7 then OPS-9", T)).isEqualTo("20240305_jira_7_then_ops_9_JIRA-7.sql");
        // no pattern configured: no ticket is not an error, the token is empty
        assertThat(t.render("3f2a9c1b7d4e", "no ticket here", T)).isEqualTo("20240305_no_ticket_here_.sql");
    }

    @Test
    void everyTokenIsZeroPadded() {
        FileNameTemplate t = FileNameTemplate.of("%(year)s-%(month)s-%(day)sT%(hour)s%(minute)s%(second)s_%(rev)s", null);
        assertThat(t.render("a1", "m", T)).isEqualTo("2024-03-05T070809_a1.sql");
        assertThat(t.render("a1", "m", LocalDateTime.of(999, 12, 31, 23, 59, 58))).isEqualTo("0999-12-31T235958_a1.sql");
    }

    @Test
    void sqlExtensionIsNotDoubled() {
        assertThat(FileNameTemplate.of("%(rev)s.sql", null).render("a1", "m", T)).isEqualTo("a1.sql");
        assertThat(FileNameTemplate.of("%(rev)s.SQL", null).render("a1", "m", T)).isEqualTo("a1.SQL.sql");
    }

    @Test
    void percentPercentIsALiteralPercent() {
        assertThat(FileNameTemplate.of("%(rev)s_100%%", null).render("a1", "m", T)).isEqualTo("a1_100%.sql");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Add users                                          | add_users",
        "  --Add   the 'users' table!!  (v2) --             | add_the_users_table_v2",
        "Crème brûlée: ÉTÉ naïve                            | creme_brulee_ete_naive",
        "日本語 only                                         | only",
        "'!!!'                                              | ''",
        "add a rather long message that goes past forty characters | add_a_rather_long_message_that_goes_past",
        "abcdefghij abcdefghij abcdefghij abcdefghij        | abcdefghij_abcdefghij_abcdefghij",
        "abcdefghij_abcdefghij_abcdefghij_abcdefghi_x       | abcdefghij_abcdefghij_abcdefghij",
        "abcdefghij_abcdefghij_abcdefghij_abcdefg_x         | abcdefghij_abcdefghij_abcdefghij_abcdefg",
        "supercalifragilisticexpialidocious_and_antidisestablishment | supercalifragilisticexpialidocious_and",
        "Pneumonoultramicroscopicsilicovolcanoconiosisisaword | pneumonoultramicroscopicsilicovolcanocon",
    })
    void slug(String message, String slug) {
        assertThat(FileNameTemplate.slug(message)).isEqualTo(slug);
        assertThat(FileNameTemplate.slug(message).length()).isLessThanOrEqualTo(FileNameTemplate.TRUNCATE_SLUG_LENGTH);
    }

    @Test
    void slugOfNullOrEmpty() {
        assertThat(FileNameTemplate.slug(null)).isEmpty();
        assertThat(FileNameTemplate.slug("")).isEmpty();
    }

    @Test
    void configuredTicketPatternMustMatch() {
        FileNameTemplate t = FileNameTemplate.of("%(rev)s_%(slug)s", "#\\d+");
        assertThat(t.ticket("fix #42 and #43")).contains("#42");
        assertThat(t.render("a1", "fix #42", T)).isEqualTo("a1_fix_42.sql");
        assertMig020(() -> t.render("a1", "fix it", T)).hasMessage("message must contain a ticket matching #\\d+: 'fix it'");
        assertMig020(() -> t.checkMessage(null)).hasMessageStartingWith("message must contain a ticket matching #\\d+");
    }

    @Test
    void configuredTicketPatternIsUsedForTheToken() {
        FileNameTemplate t = new FileNameTemplate("%(ticket)s_%(slug)s", Optional.of(Pattern.compile("[a-z]+-\\d+")));
        assertThat(t.render("a1", "Add users (ops-17)", T)).isEqualTo("ops-17_add_users_ops_17.sql");
    }

    @Test
    void defaultTicketPatternNeedsUpperCaseProjectKey() {
        FileNameTemplate t = FileNameTemplate.of("%(ticket)s_%(rev)s", null);
        assertThat(t.ticket("see abc-12 and X-1 and AB-12")).contains("AB-12");
    }

    @Test
    void unknownTokenIsNamed() {
        assertMig020(() -> FileNameTemplate.of("%(rev)s_%(epoch)s", null))
                .hasMessage("unknown token %(epoch)s in file name template '%(rev)s_%(epoch)s'; known tokens: rev, slug, year, month, day, hour, minute, second, ticket");
    }

    @Test
    void malformedTokens() {
        assertMig020(() -> FileNameTemplate.of("%(rev)_x", null)).hasMessageStartingWith("malformed token at position 1 of file name template '%(rev)_x'");
        assertMig020(() -> FileNameTemplate.of("x%rev", null)).hasMessageStartingWith("malformed token at position 2");
        assertMig020(() -> FileNameTemplate.of("%(rev)s%", null)).hasMessageStartingWith("malformed token at position 8");
        assertMig020(() -> FileNameTemplate.of("%(rev", null)).hasMessageStartingWith("malformed token at position 1");
    }

    @Test
    void pathSeparatorsAndHiddenNamesAreRefused() {
        assertMig020(() -> FileNameTemplate.of("%(year)s/%(rev)s", null)).hasMessageContaining("contains a path separator");
        assertMig020(() -> FileNameTemplate.of("..\\%(rev)s", null)).hasMessageContaining("contains a path separator");
        assertMig020(() -> FileNameTemplate.of(".%(rev)s", null)).hasMessageContaining("starts with a dot");
        FileNameTemplate slashTicket = FileNameTemplate.of("%(ticket)s_%(rev)s", "[a-z]+/\\d+");
        assertMig020(() -> slashTicket.render("a1", "fix ops/12", T))
                .hasMessage("file name template '%(ticket)s_%(rev)s' produced 'ops/12_a1.sql', which is not a plain file name (it holds a path separator)");
        FileNameTemplate slugOnly = FileNameTemplate.of("%(slug)s", null);
        assertMig020(() -> slugOnly.render("a1", "!!!", T)).hasMessageContaining("a hidden file name");
    }

    @Test
    void invalidTicketRegex() {
        assertMig020(() -> FileNameTemplate.of(null, "[A-Z")).hasMessageStartingWith("invalid ticket pattern '[A-Z'");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertMig020(ThrowingCallable call) {
        return assertThatThrownBy(call)
                .isInstanceOf(ConvoyException.class)
                .satisfies(e -> assertThat(((ConvoyException) e).code()).isEqualTo(ErrorCode.MIG020));
    }
}
