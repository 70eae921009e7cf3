/**
 * The {@code jtork} command line (picocli): {@code run standalone}, {@code migration} and
 * {@code health}, as in Tork's CLI; and clients of a node's API ({@code submit}, {@code jobs},
 * {@code job}, {@code logs}, {@code cancel}, {@code restart}, {@code schedules}, {@code schedule},
 * {@code events}, {@code replay}), with {@code --follow}'s live view (JLine at a terminal, plain
 * lines without one).
 */
package io.jtork.cli;
