package io.jtork.auth;

import io.jtork.model.Ids;
import io.jtork.model.Page;
import io.jtork.model.UserRef;
import io.jtork.store.Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Users, roles, their assignments and API keys, in the database. */
public final class UserStore {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Database db;

  public UserStore(Database db) {
    this.db = db;
  }

  /** A request that does not apply: its message names what is wrong. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  /** A stored user with their password hash and role slugs. */
  public record StoredUser(UserRef ref, String passwordHash, boolean admin, Set<String> roles) {
    public Principal principal() {
      return new Principal(ref, roles, admin);
    }
  }

  public UserRef createUser(String username, String name, String password, boolean admin)
      throws SQLException, Refused {
    username = Names.username("username", username);
    if (password == null || password.length() < 8) throw new Refused("password: at least 8 characters are required");
    refuseTaken(username);
    UserRef ref = new UserRef(Ids.newId(), name == null || name.isBlank() ? username : name, username,
        Instant.now(), false);
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, username,"
        + " name, password_hash, admin, disabled, created_at) VALUES (?,?,?,?,?,?,?)")) {
      ps.setString(1, ref.id());
      ps.setString(2, username);
      ps.setString(3, ref.name());
      ps.setString(4, Passwords.hash(password));
      ps.setBoolean(5, admin);
      ps.setBoolean(6, false);
      ps.setObject(7, ref.createdAt().atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
    } catch (SQLException e) {
      refuseTaken(username); // another request made the same user at the same moment
      throw e;
    }
    return ref;
  }

  /** Refuses a username that exists, in any case ({@code ADMIN} beside {@code admin}). */
  private void refuseTaken(String username) throws SQLException, Refused {
    Optional<String> taken = takenAs(username);
    if (taken.isEmpty()) return;
    if (taken.get().equals(username)) throw new Refused("user \"" + username + "\" already exists");
    throw new Refused("username: \"" + username + "\" is taken by the user \"" + taken.get()
        + "\" (usernames are unique without regard to case)");
  }

  /** The stored username equal to {@code username} without regard to case, if any. */
  private Optional<String> takenAs(String username) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "SELECT username FROM users WHERE username_key = ?")) {
      ps.setString(1, Names.key(username));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Makes a role; returns its slug as stored (trimmed). */
  public String createRole(String slug, String name) throws SQLException, Refused {
    slug = Names.slug("slug", slug);
    if (roleId(slug).isPresent()) throw new Refused("role \"" + slug + "\" already exists");
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO roles (id, slug, name, created_at) VALUES (?,?,?,?)")) {
      ps.setString(1, Ids.newId());
      ps.setString(2, slug);
      ps.setString(3, name == null || name.isBlank() ? slug : name);
      ps.setObject(4, Instant.now().atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
    }
    return slug;
  }

  public void assignRole(String username, String slug) throws SQLException, Refused {
    String name = Names.username("username", username);
    String roleSlug = Names.slug("role", slug);
    StoredUser user = find(name).orElseThrow(() -> new Refused("user \"" + name + "\" does not exist"));
    String role = roleId(roleSlug).orElseThrow(() -> new Refused("role \"" + roleSlug + "\" does not exist"));
    if (user.roles().contains(roleSlug)) return;
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO users_roles (user_id, role_id) VALUES (?,?)")) {
      ps.setString(1, user.ref().id());
      ps.setString(2, role);
      ps.executeUpdate();
    }
  }

  /** Makes an API key for the user; only its hash is kept, the key is shown once. */
  public String createApiKey(UserRef user) throws SQLException {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String key = "jtk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO api_keys (key_hash, user_id, created_at) VALUES (?,?,?)")) {
      ps.setString(1, Passwords.sha256(key));
      ps.setString(2, user.id());
      ps.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
    }
    return key;
  }

  /** A user as an administrator lists them: no password hash, their role slugs and how many API keys. */
  public record UserListing(String username, String name, boolean admin, boolean disabled, Instant createdAt,
      List<String> roles, int apiKeys) {}

  /** A role with how many users have it. */
  public record RoleListing(String slug, String name, Instant createdAt, int users) {}

  /** One of a user's API keys: when it was made and the start of its SHA-256 (never the key). */
  public record KeyListing(String fingerprint, Instant createdAt) {}

  /** A page of users by username, each with their roles and number of API keys. */
  public Page<UserListing> listUsers(int page, int size) throws SQLException {
    return page("users", "SELECT u.id, u.username, u.name, u.admin, u.disabled, u.created_at,"
        + " (SELECT COUNT(*) FROM api_keys k WHERE k.user_id = u.id) AS api_keys"
        + " FROM users u ORDER BY u.username", page, size, (c, rs) -> new UserListing(rs.getString("username"),
            rs.getString("name"), rs.getBoolean("admin"), rs.getBoolean("disabled"), createdAt(rs),
            List.copyOf(new TreeSet<>(rolesOf(c, rs.getString("id")))), rs.getInt("api_keys")));
  }

  /** A page of roles by slug, each with how many users have it. */
  public Page<RoleListing> listRoles(int page, int size) throws SQLException {
    return page("roles", "SELECT r.slug, r.name, r.created_at,"
        + " (SELECT COUNT(*) FROM users_roles ur WHERE ur.role_id = r.id) AS users FROM roles r ORDER BY r.slug",
        page, size, (c, rs) -> new RoleListing(rs.getString("slug"), rs.getString("name"), createdAt(rs),
            rs.getInt("users")));
  }

  /** A row of a listing; it may read more on the same connection. */
  private interface Row<T> {
    T read(Connection c, ResultSet rs) throws SQLException;
  }

  /** Page {@code page} of {@code size} rows of {@code query} (ordered), and how many rows {@code table} has. */
  private <T> Page<T> page(String table, String query, int page, int size, Row<T> row) throws SQLException {
    try (Connection c = db.connection()) {
      long total = count(c, table);
      List<T> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(query + " LIMIT ? OFFSET ?")) {
        ps.setInt(1, size);
        ps.setLong(2, (long) (page - 1) * size);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) items.add(row.read(c, rs));
        }
      }
      return Page.of(items, page, size, total);
    }
  }

  private static Instant createdAt(ResultSet rs) throws SQLException {
    return rs.getObject("created_at", OffsetDateTime.class).toInstant();
  }

  /** The user's API keys, newest first: at most {@code max} of them. */
  public List<KeyListing> keysOf(UserRef user, int max) throws SQLException {
    List<KeyListing> out = new ArrayList<>();
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "SELECT key_hash, created_at FROM api_keys WHERE user_id = ? ORDER BY created_at DESC LIMIT ?")) {
      ps.setString(1, user.id());
      ps.setInt(2, max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new KeyListing(rs.getString(1).substring(0, 8), rs.getObject(2, OffsetDateTime.class).toInstant()));
        }
      }
    }
    return out;
  }

  /** How many rows {@code table} (a name of ours, never input) has. */
  private static long count(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The slugs of the roles {@code userId} has. */
  private static Set<String> rolesOf(Connection c, String userId) throws SQLException {
    Set<String> roles = new HashSet<>();
    try (PreparedStatement r = c.prepareStatement("SELECT r.slug FROM roles r JOIN users_roles ur ON ur.role_id = r.id"
        + " WHERE ur.user_id = ?")) {
      r.setString(1, userId);
      try (ResultSet rr = r.executeQuery()) {
        while (rr.next()) roles.add(rr.getString(1));
      }
    }
    return roles;
  }

  public Optional<StoredUser> find(String username) throws SQLException {
    return one("SELECT * FROM users WHERE username = ?", username);
  }

  public Optional<StoredUser> findByApiKey(String key) throws SQLException {
    return one("SELECT u.* FROM users u JOIN api_keys k ON k.user_id = u.id WHERE k.key_hash = ?",
        Passwords.sha256(key));
  }

  public long count() throws SQLException {
    try (Connection c = db.connection()) {
      return count(c, "users");
    }
  }

  /** Of {@code usernames}, those that do not exist. */
  public List<String> unknownUsers(Collection<String> usernames) throws SQLException {
    List<String> out = new ArrayList<>();
    for (String u : new LinkedHashSet<>(usernames)) if (find(u).isEmpty()) out.add(u);
    return out;
  }

  /** Of {@code slugs}, those that do not exist. */
  public List<String> unknownRoles(Collection<String> slugs) throws SQLException {
    List<String> out = new ArrayList<>();
    for (String r : new LinkedHashSet<>(slugs)) if (roleId(r).isEmpty()) out.add(r);
    return out;
  }

  private Optional<String> roleId(String slug) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT id FROM roles WHERE slug = ?")) {
      ps.setString(1, slug);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private Optional<StoredUser> one(String sql, String arg) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        String id = rs.getString("id");
        UserRef ref = new UserRef(id, rs.getString("name"), rs.getString("username"), createdAt(rs),
            rs.getBoolean("disabled"));
        return Optional.of(new StoredUser(ref, rs.getString("password_hash"), rs.getBoolean("admin"),
            Set.copyOf(rolesOf(c, id))));
      }
    }
  }
}
