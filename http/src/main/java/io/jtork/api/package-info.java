/**
 * The REST API, compatible with Tork's (reference/tork.md §3): routes on Pekko HTTP, the JSON
 * shapes of jobs and tasks (redacted on the way out), Tork's error shape
 * {@code {"message": ...}} for every error including rejections, and the request body limit.
 * Routes talk to jobs only through {@link io.jtork.job.JobClient} and read the read model and
 * the task logs through their stores. With {@code jtork.auth.enabled}, {@link io.jtork.api.Authenticator}
 * checks credentials, hashing passwords on a small pool of its own, and
 * {@link io.jtork.api.LoginThrottle} refuses failed sign-ins beyond a limit before any hashing.
 */
package io.jtork.api;
