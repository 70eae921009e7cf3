/**
 * Secrets at rest: everything jtork serializes is sealed with AES-GCM when
 * {@code jtork.secrets.key} is set ({@link io.jtork.encryption.SealedJacksonSerializer}), so that
 * secret values never reach the database in clear: events and messages as Jackson JSON
 * ({@link io.jtork.encryption.SealedJsonSerializer}), snapshots as Jackson CBOR
 * ({@link io.jtork.encryption.SealedSnapshotSerializer}).
 */
package io.jtork.encryption;
