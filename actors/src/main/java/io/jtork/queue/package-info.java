/**
 * Task queues: one sharded, non-persistent entity per queue name that matches waiting tasks to
 * free worker slots, highest priority first and then oldest. Its state is soft: task actors
 * and workers watch it and register again when it moves, so a queue lost with its node loses
 * nothing.
 */
package io.jtork.queue;
