package io.convoy.core.catalog;

import java.util.List;
import java.util.Optional;

/** An enum type with its labels in sort order. */
public record EnumType(QName name, List<String> labels, Optional<String> comment) {
    public EnumType {
        labels = List.copyOf(labels);
    }
}
