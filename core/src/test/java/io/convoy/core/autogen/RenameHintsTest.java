package io.convoy.core.autogen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.convoy.core.catalog.Catalog;
import io.convoy.core.catalog.ColumnRef;
import io.convoy.core.catalog.QName;
import io.convoy.core.catalog.Sequence;
import io.convoy.core.catalog.Table;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenameHintsTest {
    static Catalog cat(List<Table> tables, List<Sequence> sequences) {
        return new Catalog(List.of(), List.of(), List.of(), sequences, tables, List.of(), List.of(), List.of());
    }

    static Sequence seq(String table) {
        return new Sequence(new QName("public", table + "_id_seq"), "integer", 1, 1, 1, Integer.MAX_VALUE, 1, false,
                Optional.of(new ColumnRef(new QName("public", table), "id")), Optional.empty());
    }

    static final Catalog CURRENT = cat(List.of(DifferTest.table("posts", DifferTest.col("title", "text")),
            new Table(new QName("blog", "tags"), List.of(DifferTest.col("id", "integer")), List.of(), List.of(), Optional.empty())),
            List.of(seq("posts")));
    static final Catalog DESIRED = cat(List.of(DifferTest.table("articles", DifferTest.col("headline", "text")),
            new Table(new QName("blog", "labels"), List.of(DifferTest.col("id", "integer")), List.of(), List.of(), Optional.empty())),
            List.of(seq("articles")));

    @Test
    void tableColumnAndSchemaQualifiedHintsBecomeRenamesWithTheirInverse() {
        List<Change> changes = RenameHints.parse(List.of("posts=articles", "articles.title=headline", "blog.tags=labels"))
                .changes(CURRENT, DESIRED);
        assertThat(changes).extracting(Change::summary).containsExactly(
                "~ table posts renamed to articles",
                "~ sequence posts_id_seq renamed to articles_id_seq",
                "~ table blog.tags renamed to labels",
                "~ column articles.title renamed to headline");
        assertThat(changes.get(0).upgrade()).containsExactly("ALTER TABLE public.posts RENAME TO articles");
        assertThat(changes.get(0).downgrade()).containsExactly("ALTER TABLE public.articles RENAME TO posts");
        assertThat(changes.get(3).upgrade()).containsExactly("ALTER TABLE public.articles RENAME COLUMN title TO headline");
        assertThat(changes.get(3).downgrade()).containsExactly("ALTER TABLE public.articles RENAME COLUMN headline TO title");
        assertThat(changes).allMatch(c -> c.phase() == Phase.RENAME && c.part() == Part.MAIN);
    }

    @Test
    void hintsThatDoNotFitTheSchemasAreArgumentErrorsNamingTheHint() {
        expectBad(List.of("nope=articles"), "rename hint 'nope=articles': table nope is not in the current schema");
        expectBad(List.of("posts=elsewhere"), "rename hint 'posts=elsewhere': table elsewhere is not in the desired schema");
        expectBad(List.of("posts.missing=x"), "column missing is not in posts in the current schema");
        expectBad(List.of("posts=articles", "posts.title=nothere"), "column nothere is not in articles in the desired schema");
        expectBad(List.of("posts.title=headline"), "table posts is not in the desired schema");
        expectBad(List.of("posts"), "'posts' is malformed");
        expectBad(List.of("a.b.c.d=e"), "'a.b.c.d=e' is malformed");
        expectBad(List.of("posts=a.b"), "'posts=a.b' is malformed");
    }

    static void expectBad(List<String> specs, String message) {
        assertThatThrownBy(() -> RenameHints.parse(specs).changes(CURRENT, DESIRED))
                .isInstanceOfSatisfying(ConvoyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIG020))
                .hasMessageContaining(message);
    }
}
