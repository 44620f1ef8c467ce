package io.convoy.core.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A view or materialized view.
 *
 * @param definition     {@code pg_get_viewdef}, without the trailing semicolon
 * @param options        reloptions such as {@code check_option=local}, {@code security_barrier=true}
 * @param dependsOn      tables, views and materialized views its query reads, sorted
 * @param indexes        indexes of a materialized view
 * @param columnComments comments on its columns, by column name
 */
public record View(
        QName name,
        boolean materialized,
        String definition,
        List<String> options,
        List<QName> dependsOn,
        List<Index> indexes,
        Map<String, String> columnComments,
        Optional<String> comment) {

    public View {
        options = options.stream().sorted().toList();
        dependsOn = dependsOn.stream().sorted().distinct().toList();
        indexes = indexes.stream().sorted(Comparator.comparing(Index::name)).toList();
        columnComments = java.util.Collections.unmodifiableMap(new TreeMap<>(columnComments));
    }

    public String kind() {
        return materialized ? "materialized view" : "view";
    }

    public String keyword() {
        return materialized ? "MATERIALIZED VIEW" : "VIEW";
    }
}
