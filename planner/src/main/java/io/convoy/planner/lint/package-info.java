/** The lint seam of the planner: {@link io.convoy.planner.lint.PlanLinter} (no rules yet). */
package io.convoy.planner.lint;
