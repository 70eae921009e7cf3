package io.jtork.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jtork.event.JobSubmitted;
import io.jtork.event.ScheduledJobCreated;
import io.jtork.job.JobEntity;
import io.jtork.job.Stages;
import io.jtork.json.Json;
import io.jtork.redact.Redactor;
import io.jtork.scheduled.ScheduledJobEntity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
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

  record Entry(long sequenceNr, Instant timestamp, String type, JsonNode data) {}

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
    return Stages.on(journal.currentEventsByPersistenceId(pid, 0L, Long.MAX_VALUE).runWith(Sink.seq(), system),
            system.executionContext()).thenApply(envelopes -> {
          List<Entry> out = new ArrayList<>();
          Set<String> secrets = Set.of();
          for (var env : envelopes) {
            Object e = env.event();
            if (e instanceof JobSubmitted s) secrets = redactor.secretValues(s.spec().secrets(), s.spec().inputs());
            if (e instanceof ScheduledJobCreated c) secrets = redactor.secretValues(c.spec().secrets(), c.spec().inputs());
            ObjectNode data = Json.json().valueToTree(e);
            data.remove("type");
            out.add(new Entry(env.sequenceNr(), Instant.ofEpochMilli(env.timestamp()), e.getClass().getSimpleName(),
                redact(data, secrets)));
          }
          return out;
        });
  }

  /** The permissions of the job or scheduled job whose history this is (from its first event). */
  static List<io.jtork.spec.PermissionSpec> permissions(List<Entry> entries) {
    JsonNode p = entries.isEmpty() ? null : entries.get(0).data().path("spec").path("permissions");
    if (p == null || !p.isArray()) return List.of();
    List<io.jtork.spec.PermissionSpec> out = new ArrayList<>();
    p.forEach(n -> out.add(new io.jtork.spec.PermissionSpec(n.path("role").isTextual() ? n.get("role").asText() : null,
        n.path("user").isTextual() ? n.get("user").asText() : null)));
    return out;
  }

  private JsonNode redact(JsonNode node, Set<String> secrets) {
    if (node.isTextual()) return TextNode.valueOf(Redactor.redactValues(node.asText(), secrets));
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, redact(node.get(i), secrets));
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
