/** The executor module: see ARCHITECTURE.md. Filled in by its own issue. */
package io.convoy.executor;
