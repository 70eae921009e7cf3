/**
 * The REST API, compatible with Tork's (reference/tork.md §3): routes on Pekko HTTP, the JSON
 * shapes of jobs and tasks (redacted on the way out), Tork's error shape
 * {@code {"message": ...}} for every error including rejections, and the request body limit.
 * Routes talk to jobs only through {@link io.jtork.job.JobClient} and read the read model and
 * the task logs through their stores.
 */
package io.jtork.api;
