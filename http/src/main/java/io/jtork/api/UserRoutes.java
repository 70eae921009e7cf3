package io.jtork.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.auth.Principal;
import io.jtork.auth.UserStore;
import io.jtork.model.UserRef;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Users, their API keys and roles: {@code /users}, {@code /users/me/keys}, {@code /users/{name}/roles},
 * {@code /roles}; each listed too (beyond Tork: users and roles by administrators, keys by their user).
 */
final class UserRoutes extends AllDirectives {
  private final ApiDirectives api;
  private final UserStore users;

  UserRoutes(UserStore users, ApiDirectives api) {
    this.api = api;
    this.users = users;
  }

  Route route(Principal who) {
    return concat(
        pathPrefix("users", () -> concat(
            pathEnd(() -> concat(
                post(() -> api.admin(who, this::createUser)),
                get(() -> api.admin(who, () -> api.paged(20, 100, p -> userCall(() ->
                    Responses.ok(users.listUsers(p.page(), p.size())))))))),
            path(PathMatchers.segment("me").slash("keys"), () -> concat(
                post(() -> createKey(who)),
                get(() -> keys(who)))),
            path(PathMatchers.segment().slash("roles"), username -> post(() -> api.admin(who,
                () -> assignRole(username)))))),
        path("roles", () -> concat(
            post(() -> api.admin(who, this::createRole)),
            get(() -> api.admin(who, () -> api.paged(20, 100, p -> userCall(() ->
                Responses.ok(users.listRoles(p.page(), p.size())))))))));
  }

  private Route createUser() {
    return api.jsonBody(b -> userCall(() -> {
      UserRef u = users.createUser(text(b, "username"), text(b, "name"), text(b, "password"), bool(b, "admin"));
      return Responses.ok(Map.of("id", u.id(), "username", u.username(), "name", u.name(), "createdAt", u.createdAt(),
          "admin", bool(b, "admin")));
    }));
  }

  private Route createRole() {
    return api.jsonBody(b -> userCall(() -> {
      String slug = users.createRole(text(b, "slug"), text(b, "name"));
      return Responses.ok(Map.of("slug", slug, "name", b.hasNonNull("name") ? text(b, "name") : slug));
    }));
  }

  private Route assignRole(String username) {
    return api.jsonBody(b -> userCall(() -> {
      users.assignRole(username, text(b, "role"));
      return Responses.statusOk();
    }));
  }

  private Route createKey(Principal who) {
    if (who == Principal.GUEST) {
      return complete(Responses.error(StatusCodes.BAD_REQUEST, "API keys need jtork.auth.enabled"));
    }
    return userCall(() -> Responses.ok(Map.of("key", users.createApiKey(who.user()))));
  }

  /** The signed-in user's API keys (beyond Tork): when each was made, and its fingerprint. */
  private Route keys(Principal who) {
    if (who == Principal.GUEST) {
      return complete(Responses.error(StatusCodes.BAD_REQUEST, "API keys need jtork.auth.enabled"));
    }
    return userCall(() -> Responses.ok(users.keysOf(who.user(), 100)));
  }

  /** Runs a user-store call off the actors' threads; a refusal is a 400 with its message. */
  private Route userCall(ApiDirectives.BlockingCall<HttpResponse> call) {
    return api.respond(api.blocking(() -> {
      try {
        return call.call();
      } catch (UserStore.Refused | BadField e) {
        return Responses.error(StatusCodes.BAD_REQUEST, e.getMessage());
      }
    }));
  }

  /** A field of a JSON body that is not of its type: a 400 naming it. */
  static final class BadField extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadField(String field, String expected, JsonNode got) {
      super(field + ": expected " + expected + ", got " + Responses.truncate(got.toString(), 100));
    }
  }

  /** A string field, or null; a number, boolean or object is a 400 (no coercion). */
  private static String text(JsonNode b, String field) {
    var v = b.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw new BadField(field, "a string", v);
    return v.asText();
  }

  /** A boolean field, false when missing; {@code "yes"} or {@code "true"} is a 400, not false. */
  private static boolean bool(JsonNode b, String field) {
    var v = b.get(field);
    if (v == null || v.isNull()) return false;
    if (!v.isBoolean()) throw new BadField(field, "true or false", v);
    return v.booleanValue();
  }
}
