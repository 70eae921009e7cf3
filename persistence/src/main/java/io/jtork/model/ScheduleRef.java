package io.jtork.model;

/** The scheduled job that fired a job: Tork's job {@code schedule{id,cron}}. */
public record ScheduleRef(String id, String cron) {}
