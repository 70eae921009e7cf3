package io.jtork.runtime.shell;

/** Every test of {@link TaskUsersTest} with tasks started as {@code setpriv} and {@code setsid} before the shell. */
class TaskUsersChainTest extends TaskUsersTest {
  @Override
  boolean spawner() {
    return false;
  }
}
