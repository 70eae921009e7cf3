/**
 * The {@code jtork} command line (picocli): {@code run standalone}, {@code migration} and
 * {@code health}, as in Tork's CLI.
 */
package io.jtork.cli;
