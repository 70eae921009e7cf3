package io.jtork.auth;

import io.jtork.model.UserRef;
import io.jtork.spec.PermissionSpec;
import java.util.List;
import java.util.Set;

/** Who a request is: the user, the slugs of their roles, and whether they administer jtork. */
public record Principal(UserRef user, Set<String> roles, boolean admin) {
  /** Without {@code jtork.auth.enabled}: Tork's guest, who may do everything. */
  public static final Principal GUEST = new Principal(UserRef.GUEST, Set.of(), true);

  /**
   * Whether this principal may see and act on a job with these permissions: anyone when there
   * are none; else administrators, the users listed, and members of the roles listed.
   */
  public boolean mayAccess(List<PermissionSpec> permissions) {
    if (admin || permissions == null || permissions.isEmpty()) return true;
    for (PermissionSpec p : permissions) {
      if (p.user() != null && p.user().equals(user.username())) return true;
      if (p.role() != null && roles.contains(p.role())) return true;
    }
    return false;
  }
}
