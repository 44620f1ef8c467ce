/**
 * The monitor service: watches every cluster of the fleet ({@code clusters.yaml}: primaries with credentials and their
 * expected standbys), publishes alerts on convoy.alerts and halts/resumes executors on convoy.control.
 *
 * <ul>
 *   <li>{@link io.convoy.monitor.probe}: the lag probe (robust when idle and when a standby stops replying, missing
 *   standbys and inactive slots) and the lock probe (waits on migration sessions and waits of migration sessions,
 *   from {@code pg_locks.waitstart} and {@code pg_blocking_pids}), each on its own short-timeout read-only session.</li>
 *   <li>{@link io.convoy.monitor.alert}: the pure {@link io.convoy.monitor.alert.AlertStateMachine} (OK, WARNING,
 *   CRITICAL; one alert per state change; RESOLVED after a hold-down), the engine over probe snapshots and the
 *   {@link io.convoy.monitor.alert.HaltPolicy}.</li>
 *   <li>{@link io.convoy.monitor.duration}: the step-duration detector, a Kafka Streams app over step events with a
 *   wall-clock punctuator.</li>
 *   <li>{@link io.convoy.monitor.metrics}: the Micrometer meters, served by {@link io.convoy.core.metrics.MetricsServer}.</li>
 * </ul>
 */
package io.convoy.monitor;
