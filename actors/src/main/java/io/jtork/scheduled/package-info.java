/**
 * Scheduled jobs: {@link io.jtork.scheduled.ScheduledJobEntity}, one sharded event-sourced
 * actor per schedule that keeps a timer for its next fire and submits an ordinary job with an
 * id derived from the fire instant, and {@link io.jtork.scheduled.ScheduledJobClient}, how the
 * API reaches them. The cron arithmetic is {@link io.jtork.schedule.CronSchedule}'s.
 */
package io.jtork.scheduled;
