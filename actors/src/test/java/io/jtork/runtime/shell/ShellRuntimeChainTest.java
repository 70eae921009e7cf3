package io.jtork.runtime.shell;

/**
 * Every test of {@link ShellRuntimeTest} with tasks started as a chain of programs ({@code setsid}
 * before the shell), as where the spawner cannot run or {@code jtork.runtime.shell.spawner = none}.
 */
class ShellRuntimeChainTest extends ShellRuntimeTest {
  @Override
  boolean spawner() {
    return false;
  }
}
