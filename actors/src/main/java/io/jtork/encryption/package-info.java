/**
 * Secrets at rest: {@link io.jtork.encryption.SealedJsonSerializer} writes everything jtork
 * serializes (events, snapshots, messages) as Jackson JSON sealed with AES-GCM when
 * {@code jtork.secrets.key} is set, so that secret values never reach the database in clear.
 */
package io.jtork.encryption;
