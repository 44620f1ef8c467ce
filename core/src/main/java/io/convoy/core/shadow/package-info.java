/**
 * Throwaway PostgreSQL for building schemas to read back: one embedded server bound to 127.0.0.1,
 * many cheap fresh databases.
 */
package io.convoy.core.shadow;
