package io.jtork.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jtork.concurrent.Stages;
import io.jtork.event.JobCancelled;
import io.jtork.event.JobDeleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobRestarted;
import io.jtork.event.JobSubmitted;
import io.jtork.event.ScheduledJobCreated;
import io.jtork.event.ScheduledJobDeleted;
import io.jtork.event.ScheduledJobPaused;
import io.jtork.event.ScheduledJobResumed;
import io.jtork.event.TaskCompleted;
import io.jtork.event.TaskFailed;
import io.jtork.event.TaskProgressed;
import io.jtork.event.TaskStarted;
import io.jtork.job.JobEntity;
import io.jtork.json.Json;
import io.jtork.model.Job;
import io.jtork.model.Task;
import io.jtork.redact.Redactor;
import io.jtork.scheduled.ScheduledJobEntity;
import io.jtork.spec.PermissionSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * A job's or a scheduled job's journal as a list of readable entries ({@code GET /jobs/{id}/events},
 * {@code GET /scheduled-jobs/{id}/events}), with every secret redacted: values under {@code secrets}, secret-looking keys, and the job's secret
 * values wherever they appear.
 */
final class EventHistory {
  private final ActorSystem<?> system;
  private final Redactor redactor;
  private final JdbcReadJournal journal;

  /**
   * One journaled event. {@code actor} says who caused it: {@code user:<username>} (submitted,
   * cancelled, restarted, deleted by a user, paused...), {@code node:<worker id>} (a task started,
   * progressed, completed or failed on that worker), or {@code jtork} (the engine's own decisions:
   * scheduling, moving on, retries, timeouts, lost workers, webhooks, retention, schedule fires).
   */
  record Entry(long sequenceNr, Instant timestamp, String type, String actor, JsonNode data) {}

  EventHistory(ActorSystem<?> system, Redactor redactor) {
    this.system = system;
    this.redactor = redactor;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  CompletionStage<List<Entry>> of(String jobId) {
    return history(JobEntity.TYPE_KEY.name() + "|" + jobId);
  }

  /** A scheduled job's journal ({@code GET /scheduled-jobs/{id}/events}): its lifecycle and every fire. */
  CompletionStage<List<Entry>> ofScheduled(String scheduledJobId) {
    return history(ScheduledJobEntity.TYPE_KEY.name() + "|" + scheduledJobId);
  }

  private CompletionStage<List<Entry>> history(String pid) {
    return events(pid).thenApply(envelopes -> {
      List<Entry> out = new ArrayList<>();
      // A job's events are redacted with the set of the job they lead to: a value can become secret
      // after it first appears (an input that a later task puts under a secret-looking env key).
      Set<String> secrets = Set.of();
      Job last = null;
      for (var env : envelopes) {
        if (env.event() instanceof JobEvent je) {
          last = je.applyTo(last == null ? Job.empty(pid.substring(pid.indexOf('|') + 1)) : last);
        }
      }
      if (last != null) secrets = redactor.secretValues(last);
      Job job = null;
      for (var env : envelopes) {
        Object e = env.event();
        String actor = actor(e, job);
        if (e instanceof JobEvent je) {
          job = je.applyTo(job == null ? Job.empty(pid.substring(pid.indexOf('|') + 1)) : job);
        }
        if (e instanceof JobSubmitted s) {
          Set<String> all = new LinkedHashSet<>(secrets);
          all.addAll(redactor.secretValues(s.spec()));
          secrets = all;
        }
        if (e instanceof ScheduledJobCreated c) secrets = redactor.secretValues(c.spec().secrets(), c.spec().inputs());
        ObjectNode data = Json.json().valueToTree(e);
        data.remove("type");
        out.add(new Entry(env.sequenceNr(), Instant.ofEpochMilli(env.timestamp()), e.getClass().getSimpleName(),
            actor, redact(data, secrets)));
      }
      return out;
    });
  }

  /** Who caused {@code e}, given the job as it was just before it (null for a scheduled job's events). */
  private static String actor(Object e, Job before) {
    return actor(e, taskId -> before == null ? null : before.task(taskId).map(Task::nodeId).orElse(null));
  }

  /** The id of the task whose worker reported {@code e}, if a worker did. */
  private static String reportedTask(Object e) {
    return e instanceof TaskCompleted c ? c.taskId()
        : e instanceof TaskProgressed p ? p.taskId()
        : e instanceof TaskFailed f && f.cause() != null && f.cause().reportedByWorker() ? f.taskId() : null;
  }

  /** Who caused {@code e}, {@code nodeOf} giving the node a task ran on just before it. */
  private static String actor(Object e, Function<String, String> nodeOf) {
    if (e instanceof JobSubmitted s) return s.createdBy() == null ? "jtork" : "user:" + s.createdBy().username();
    if (e instanceof ScheduledJobCreated c) return c.createdBy() == null ? "jtork" : "user:" + c.createdBy().username();
    if (e instanceof JobCancelled c) return user(c.by());
    if (e instanceof JobRestarted r) return user(r.by());
    if (e instanceof JobDeleted d) return "retention".equals(d.by()) ? "jtork" : user(d.by());
    if (e instanceof ScheduledJobPaused p) return user(p.by());
    if (e instanceof ScheduledJobResumed r) return user(r.by());
    if (e instanceof ScheduledJobDeleted d) return user(d.by());
    // A composite or a sub-job starts without a worker: the engine started it.
    if (e instanceof TaskStarted t) return t.nodeId() == null ? "jtork" : "node:" + t.nodeId();
    String taskId = reportedTask(e);
    if (taskId != null) {
      String node = nodeOf.apply(taskId);
      if (node != null) return "node:" + node;
    }
    return "jtork";
  }

  /** A page of a job's history and how many events it has in all. */
  record Page(List<Entry> entries, long total) {}

  /**
   * Events {@code from} to {@code to} (sequence numbers, inclusive) of the job that is {@code now}
   * after its event {@code last}: read alone, so a page costs the same whatever the job's size.
   * Secrets are those of the job now (and of its spec); a task's worker is the one the job now
   * names. Null when that would misname a worker: a task in the page that was redelivered
   * ({@code redelivered > 0}) and reported before it started again within the page; the caller
   * then reads the whole history.
   */
  CompletionStage<Page> page(Job now, long last, long from, long to) {
    String pid = JobEntity.TYPE_KEY.name() + "|" + now.id();
    if (from > last) return CompletableFuture.completedFuture(new Page(List.of(), last));
    Set<String> secrets = new LinkedHashSet<>(redactor.secretValues(now));
    secrets.addAll(redactor.secretValues(now.spec()));
    return Stages.on(journal.currentEventsByPersistenceId(pid, from, Math.min(to, last)).runWith(Sink.seq(), system),
        system.executionContext()).thenApply(envelopes -> {
          Map<String, String> startedHere = new HashMap<>();
          List<Entry> out = new ArrayList<>();
          for (var env : envelopes) {
            Object e = env.event();
            String reported = reportedTask(e);
            if (reported != null && !startedHere.containsKey(reported)
                && now.task(reported).map(t -> t.redelivered() > 0).orElse(false)) {
              return null;
            }
            String actor = actor(e, taskId -> startedHere.containsKey(taskId) ? startedHere.get(taskId)
                : now.task(taskId).map(Task::nodeId).orElse(null));
            if (e instanceof TaskStarted t) startedHere.put(t.taskId(), t.nodeId());
            ObjectNode data = Json.json().valueToTree(e);
            data.remove("type");
            out.add(new Entry(env.sequenceNr(), Instant.ofEpochMilli(env.timestamp()), e.getClass().getSimpleName(),
                actor, redact(data, secrets)));
          }
          return new Page(out, last);
        });
  }

  private static String user(String by) {
    return by == null || by.isBlank() ? "jtork" : "user:" + by;
  }

  /** A job's past state: {@code at} is null when the job had no event yet then; {@code now}, its current state. */
  record Past(Job now, Job at) {}

  /**
   * The job now and as it was at {@code at}: its events journaled at or before that instant (to the
   * journal's millisecond), applied in order to an empty job exactly as the entity applies them when
   * it recovers. Events are never deleted (snapshots only shorten recovery), so any instant can be
   * rebuilt. Null when the job has no journal.
   */
  CompletionStage<Past> jobAt(String jobId, Instant at) {
    long until = at.toEpochMilli();
    return events(JobEntity.TYPE_KEY.name() + "|" + jobId).thenApply(envelopes -> {
      if (envelopes.isEmpty()) return null;
      Job job = Job.empty(jobId);
      Job then = null;
      for (var env : envelopes) {
        job = ((JobEvent) env.event()).applyTo(job);
        if (env.timestamp() <= until) then = job;
      }
      return new Past(job, then);
    });
  }

  /** Every event of one entity, in order, as the journal holds them now. */
  private CompletionStage<List<EventEnvelope>> events(String persistenceId) {
    return Stages.on(journal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE).runWith(Sink.seq(), system),
        system.executionContext());
  }

  /** The permissions of the job or scheduled job whose history this is (from its first event). */
  static List<PermissionSpec> permissions(List<Entry> entries) {
    JsonNode p = entries.isEmpty() ? null : entries.get(0).data().path("spec").path("permissions");
    if (p == null || !p.isArray()) return List.of();
    List<PermissionSpec> out = new ArrayList<>();
    p.forEach(n -> out.add(new PermissionSpec(n.path("role").isTextual() ? n.get("role").asText() : null,
        n.path("user").isTextual() ? n.get("user").asText() : null)));
    return out;
  }

  private JsonNode redact(JsonNode node, Set<String> secrets) {
    if (node.isTextual()) return TextNode.valueOf(Redactor.redactValues(node.asText(), secrets));
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) ((ArrayNode) node).set(i, redact(node.get(i), secrets));
    } else if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals("secrets") && f.getValue().isObject()) {
          f.getValue().fieldNames().forEachRemaining(k -> ((ObjectNode) f.getValue()).put(k, Redactor.REDACTED));
        } else if (redactor.isSecretKey(f.getKey()) && f.getValue().isTextual()) {
          f.setValue(TextNode.valueOf(Redactor.REDACTED));
        } else if (f.getKey().equals("password") && f.getValue().isTextual()) {
          f.setValue(TextNode.valueOf(Redactor.REDACTED));
        } else {
          f.setValue(redact(f.getValue(), secrets));
        }
      }
    }
    return node;
  }
}
