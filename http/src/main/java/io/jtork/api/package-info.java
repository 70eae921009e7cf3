/**
 * The REST API, compatible with Tork's (reference/tork.md §3), on Pekko HTTP.
 *
 * <p>{@link io.jtork.api.ApiServer} binds {@link io.jtork.api.ApiRoutes}, which composes one routes
 * class per resource ({@code JobRoutes}, {@code ScheduledJobRoutes}, {@code TaskRoutes},
 * {@code UserRoutes}, {@code ClusterRoutes}, {@code AdminRoutes}, {@code HealthRoutes}, and
 * {@code StreamRoutes} for the live streams, whose machinery is {@link io.jtork.stream}). What they
 * share is in {@code ApiDirectives}: CORS and the rate limit, the database gate, sign-in, bodies
 * within the limit, blocking calls, and "the visible one with this id, or 404", which hides what a
 * user may not see as if it did not exist. {@code ApiErrors} answers every exception and rejection
 * in Tork's error shape {@code {"message": ...}}; {@code Responses} builds the JSON answers and the
 * views ({@code JobView}, {@code TaskView}, {@code ScheduledJobView}) their bodies, redacted on the
 * way out. Routes talk to jobs only through {@link io.jtork.job.JobClient} and read the read model
 * and the task logs through their stores. With {@code jtork.auth.enabled},
 * {@link io.jtork.api.Authenticator} checks credentials, hashing passwords on a small pool of its
 * own, and {@link io.jtork.api.LoginThrottle} refuses failed sign-ins beyond a limit before any
 * hashing.
 */
package io.jtork.api;
