/**
 * The web console served by the node: {@link io.jtork.console.ConsoleRoutes} serves its page and
 * assets (under {@code src/main/resources/console}: a small Preact app loaded as ES modules, no
 * build step). What it shows comes from the REST API and its live streams; see docs/console.md.
 */
package io.jtork.console;
