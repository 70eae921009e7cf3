/**
 * When scheduled jobs fire: {@link io.jtork.schedule.CronSchedule} reads a schedule's cron (5
 * fields as Tork, 6 with seconds, descriptors, {@code @every}) in its time zone and answers the
 * next fire instant after a given one, through cron-utils. Pure computation: no clock, no Pekko.
 */
package io.jtork.schedule;
