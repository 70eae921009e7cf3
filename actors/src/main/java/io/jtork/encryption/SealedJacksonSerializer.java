package io.jtork.encryption;

import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * One of Pekko's Jackson serializers, sealed with AES-GCM (the JDK's, 96-bit random nonce,
 * 128-bit tag) when {@code jtork.secrets.key} holds a base64 AES key of 16, 24 or 32 bytes. The
 * journal, the snapshots and the messages between nodes then carry no secret in clear: a spec's
 * {@code secrets}, the env values evaluated from them, the context. Without a key the bytes are
 * exactly Jackson's, and the node warns at start-up. {@link SealedJsonSerializer} seals JSON,
 * {@link SealedSnapshotSerializer} the snapshots' CBOR.
 *
 * <p>A sealed payload starts with a byte neither format starts with, so a journal written before
 * a key was set stays readable (plain payloads are read as they are). A sealed payload without
 * the key fails with a message that says so. Only the JDK's cipher is used here; what is
 * hand-written is the framing ({@code marker | nonce | ciphertext+tag}).
 */
public abstract class SealedJacksonSerializer extends SerializerWithStringManifest {
  /**
   * Never the first byte of UTF-8 JSON, of a CBOR object (0xA0-0xBF; 0xE5 is CBOR's unassigned
   * simple value 5), nor of Pekko's gzip (0x1f) or LZ4 framing.
   */
  static final byte SEALED = (byte) 0xE5;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final SerializerWithStringManifest jackson;
  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  /** Seals what {@code jackson} writes, with the key in the system's {@code jtork.secrets.key}. */
  protected SealedJacksonSerializer(ExtendedActorSystem system, SerializerWithStringManifest jackson) {
    this.jackson = jackson;
    this.key = key(system.settings().config().getString("jtork.secrets.key"));
  }

  /** The AES key in {@code base64}, or null when it is blank; a bad one is refused, naming the setting. */
  public static SecretKey key(String base64) {
    if (base64 == null || base64.isBlank()) return null;
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("jtork.secrets.key is not base64: " + e.getMessage());
    }
    if (raw.length != 16 && raw.length != 24 && raw.length != 32) {
      throw new IllegalArgumentException("jtork.secrets.key must be an AES key of 16, 24 or 32 bytes (base64),"
          + " not " + raw.length + " bytes; make one with: openssl rand -base64 32");
    }
    return new SecretKeySpec(raw, "AES");
  }

  @Override
  public String manifest(Object o) {
    return jackson.manifest(o);
  }

  @Override
  public byte[] toBinary(Object o) {
    byte[] plain = jackson.toBinary(o);
    if (key == null) return plain;
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(1 + NONCE + sealed.length).put(SEALED).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not seal a " + o.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (bytes.length == 0 || bytes[0] != SEALED) return jackson.fromBinary(bytes, manifest);
    if (key == null) {
      throw new IllegalStateException("a stored " + manifest + " is sealed with a key, and jtork.secrets.key is not"
          + " set");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 1, NONCE));
      return jackson.fromBinary(cipher.doFinal(bytes, 1 + NONCE, bytes.length - 1 - NONCE), manifest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a stored " + manifest + " could not be opened with jtork.secrets.key (another"
          + " key?): " + e.getMessage(), e);
    }
  }
}
