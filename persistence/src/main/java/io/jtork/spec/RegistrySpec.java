package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Credentials for a private image registry. The password is always redacted on read. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RegistrySpec(String username, String password) {
  @Override
  public String toString() {
    return "RegistrySpec[username=" + username + "]";
  }
}
