/**
 * Users, roles and API keys: {@link io.jtork.auth.UserStore} keeps them in the database (tables
 * from migration V7; usernames unique without regard to case since V10), {@link io.jtork.auth.Names}
 * the rules usernames and role slugs follow, {@link io.jtork.auth.Passwords} hashes passwords (salted PBKDF2), and
 * {@link io.jtork.auth.Principal} is who a request is, with the permission check jobs use.
 */
package io.jtork.auth;
