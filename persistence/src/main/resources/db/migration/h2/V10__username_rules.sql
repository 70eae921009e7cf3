-- Usernames are unique without regard to case (io.jtork.auth.Names): username_key is the name in
-- lower case, computed by the database so that every writer fills it, with a unique index.
-- Rows made before this rule may differ only in case ("admin" and "ADMIN"): the oldest keeps
-- its name, each later one is renamed "<name>.duplicate.<id>" (its id is unique), so that the
-- index can be made and no user is lost; an administrator can see them in the users table.
UPDATE users SET username = username || '.duplicate.' || id
WHERE EXISTS (SELECT 1 FROM users o WHERE LOWER(o.username) = LOWER(users.username)
  AND (o.created_at < users.created_at OR (o.created_at = users.created_at AND o.id < users.id)));
ALTER TABLE users ADD COLUMN username_key VARCHAR(512) GENERATED ALWAYS AS (LOWER(username));
CREATE UNIQUE INDEX users_username_key_idx ON users (username_key);
