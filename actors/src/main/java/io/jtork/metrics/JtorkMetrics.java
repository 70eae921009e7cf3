package io.jtork.metrics;

import io.jtork.event.JobCancelled;
import io.jtork.event.JobCompleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobFailed;
import io.jtork.event.JobSubmitted;
import io.jtork.event.TaskCompleted;
import io.jtork.event.TaskCreated;
import io.jtork.event.TaskFailed;
import io.jtork.event.TaskRunLost;
import io.jtork.event.TaskStarted;
import io.jtork.event.WebhookAttempted;
import io.jtork.model.Job;
import io.jtork.model.Task;
import io.jtork.store.Database;
import io.jtork.store.H2Maintenance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * One node's metrics, in a Micrometer registry that Prometheus scrapes ({@link #scrape}). The
 * job entities record their journaled events here, the API its requests. Labels have bounded
 * cardinality: no job or task ids, and at most {@link #MAX_QUEUES} queue names (the rest are
 * {@code other}), since a queue is named by the jobs' authors.
 */
public final class JtorkMetrics implements Extension {
  /** The most queue names used as labels; a node serves few queues, a job's author names them. */
  static final int MAX_QUEUES = 32;
  static final String OTHER = "other";

  public static final ExtensionId<JtorkMetrics> ID = new ExtensionId<>() {
    @Override
    public JtorkMetrics createExtension(ActorSystem<?> system) {
      return new JtorkMetrics();
    }
  };

  public static JtorkMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> queues = ConcurrentHashMap.newKeySet();
  private final Map<String, QueueGauges> queueGauges = new ConcurrentHashMap<>();
  private final Timer journalWrites;
  private final Map<String, AtomicInteger> openStreams = new ConcurrentHashMap<>();

  JtorkMetrics() {
    // Two of Micrometer's processor metrics have names promtool refuses: process_cpu_time_ns_total
    // (an abbreviated unit) and system_cpu_count (a gauge named like a histogram's count);
    // process_cpu_usage and system_cpu_usage say what they would.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")));
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    journalWrites = Timer.builder("jtork.journal.write").description("A job entity's write, from persist to written")
        .publishPercentileHistogram().register(registry);
  }

  /** The registry, in Prometheus's text format ({@code contentType} as the scraper asked for it). */
  public String scrape(String contentType) {
    return registry.scrape(contentType);
  }

  /** A job entity's write took {@code nanos}, from its persist to its events being journaled. */
  public void journalWrite(long nanos) {
    journalWrites.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The H2 file's writes and the bytes written, since the node opened it: a commit writes the
   * pages it changed as one or more writes (with {@code WRITE_DELAY=0}, at every commit), so
   * these say what commits cost the disk. Read from H2's {@code INFORMATION_SCHEMA.SETTINGS}
   * at each scrape; absent (NaN) while the database cannot answer.
   */
  public void h2File(Database db) {
    FunctionCounter.builder("jtork.h2.file.writes", db, d -> h2File(d, H2Maintenance.FileWrites::writes))
        .description("Writes to the H2 database file since the node opened it").register(registry);
    FunctionCounter.builder("jtork.h2.file.written", db, d -> h2File(d, H2Maintenance.FileWrites::bytes))
        .baseUnit("bytes").description("Bytes written to the H2 database file since the node opened it")
        .register(registry);
  }

  private static double h2File(Database db, ToLongFunction<H2Maintenance.FileWrites> which) {
    try (Connection c = db.connection()) {
      return which.applyAsLong(H2Maintenance.fileWrites(c));
    } catch (SQLException | NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** An API request was answered. {@code route} must be a template (no ids). */
  public void httpRequest(String method, String route, int status, long nanos) {
    Timer.builder("jtork.http.requests").description("API requests by method, route and status").tag("method", method).tag("route", route)
        .tag("status", String.valueOf(status)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The count of open live streams of {@code kind} ({@code log}, {@code events}, {@code jobs}), as a gauge. */
  public AtomicInteger openStreams(String kind) {
    return openStreams.computeIfAbsent(kind, k -> {
      AtomicInteger n = new AtomicInteger();
      Gauge.builder("jtork.http.streams.open", n, AtomicInteger::get)
          .description("Live streams (Server-Sent Events) open on this node").tag("kind", k).register(registry);
      return n;
    });
  }

  /**
   * A projection applied a group of events, the newest of them journaled at {@code newestMillis}
   * (epoch): how far the read model is behind the journal.
   */
  public void projectionLag(String projection, long newestMillis) {
    Timer.builder("jtork.projection.lag").description("How far a read model is behind the journal, per group applied")
        .tag("projection", projection).register(registry)
        .record(positive(Duration.ofMillis(System.currentTimeMillis() - newestMillis)));
  }

  /** A scheduled job's fire, or {@code count} of them: {@code outcome} fired, skipped or missed. */
  public void scheduleFires(String outcome, long count) {
    Counter.builder("jtork.schedule.fires").description("Scheduled jobs' fires, by outcome").tag("outcome", outcome)
        .register(registry).increment(count);
  }

  /** A fire submitted its job {@code lateness} after its fire time. */
  public void scheduleLateness(Duration lateness) {
    Timer.builder("jtork.schedule.lateness").description("From a fire time to its job's submission")
        .publishPercentileHistogram().register(registry).record(positive(lateness));
  }

  /** A job entity journaled {@code events}, which led to {@code after}. */
  public void journaled(List<JobEvent> events, Job after) {
    for (JobEvent e : events) {
      if (e instanceof JobSubmitted) jobs("submitted");
      else if (e instanceof JobCompleted) jobs("completed");
      else if (e instanceof JobFailed) jobs("failed");
      else if (e instanceof JobCancelled) jobs("cancelled");
      else if (e instanceof TaskStarted s) started(after.task(s.taskId()).orElse(null));
      else if (e instanceof TaskCompleted c) completed(after.task(c.taskId()).orElse(null));
      else if (e instanceof TaskFailed f) failed(f, after.task(f.taskId()).orElse(null));
      else if (e instanceof TaskCreated c && c.task().attempts() > 0) tasks("retried");
      else if (e instanceof TaskRunLost) tasks("lost");
      else if (e instanceof WebhookAttempted w) webhook(w);
    }
  }

  private void jobs(String event) {
    Counter.builder("jtork.jobs").description("Jobs submitted and ended, by event").tag("event", event)
        .register(registry).increment();
  }

  private void tasks(String event) {
    Counter.builder("jtork.tasks").description("Task executions by event").tag("event", event).register(registry)
        .increment();
  }

  private void started(Task t) {
    tasks("started");
    if (t == null || t.nodeId() == null || t.startedAt() == null) return;
    Instant queued = t.scheduledAt() != null && t.scheduledAt().isAfter(t.createdAt()) ? t.scheduledAt() : t.createdAt();
    Timer.builder("jtork.task.queue.wait").description("From a task run's queuing to its start on a worker")
        .tag("queue", queue(t)).publishPercentileHistogram().register(registry)
        .record(positive(Duration.between(queued, t.startedAt())));
  }

  private void completed(Task t) {
    tasks("completed");
    if (t != null) ran(t, t.completedAt());
  }

  private void failed(TaskFailed f, Task t) {
    tasks(f.cause() == TaskFailed.Cause.WORKER_LOST ? "lost" : "failed");
    if (t != null) ran(t, t.failedAt());
  }

  /** A run on a worker that ended at {@code end}, completed or failed. */
  private void ran(Task t, Instant end) {
    if (t.nodeId() == null || t.startedAt() == null || end == null) return;
    Timer.builder("jtork.task.duration").description("A task run on a worker, from its start to its end")
        .tag("queue", queue(t)).publishPercentileHistogram().register(registry)
        .record(positive(Duration.between(t.startedAt(), end)));
  }

  private void webhook(WebhookAttempted w) {
    boolean delivered = w.status() != null && w.status() >= 200 && w.status() < 300;
    String outcome = delivered ? "delivered" : w.done() ? "gave_up" : "retry";
    Counter.builder("jtork.webhook.attempts").description("Webhook calls attempted, by outcome")
        .tag("outcome", outcome).register(registry).increment();
  }

  /**
   * The gauges of the queue {@code name}, which its entity sets on the node that hosts it: its
   * waiting tasks and those handed to workers and not yet confirmed done.
   */
  public QueueGauges queue(String name) {
    QueueGauges gauges = queueGauges.computeIfAbsent(name, n -> new QueueGauges(queueLabel(n)));
    Gauge.builder("jtork.queue.depth", this, m -> m.sum(gauges.label, true)).description("Tasks waiting in a queue")
        .tag("queue", gauges.label).register(registry);
    Gauge.builder("jtork.queue.running", this, m -> m.sum(gauges.label, false))
        .description("Tasks a queue handed to workers, running or about to").tag("queue", gauges.label)
        .register(registry);
    return gauges;
  }

  /** What a queue's entity shows; the queues that share the label {@code other} are summed. */
  public static final class QueueGauges {
    private final String label;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    private QueueGauges(String label) {
      this.label = label;
    }

    public void set(int waitingNow, int runningNow) {
      waiting.set(waitingNow);
      running.set(runningNow);
    }
  }

  private double sum(String label, boolean waiting) {
    double sum = 0;
    for (QueueGauges g : queueGauges.values()) {
      if (g.label.equals(label)) sum += waiting ? g.waiting.get() : g.running.get();
    }
    return sum;
  }

  /** The task's queue as a label. */
  String queue(Task t) {
    return queueLabel(t.spec().queue() == null ? "default" : t.spec().queue());
  }

  /** A queue name as a label: one of the first {@link #MAX_QUEUES} seen, else {@code other}. */
  private String queueLabel(String q) {
    if (queues.contains(q)) return q;
    if (q.length() > 64 || queues.size() >= MAX_QUEUES) return OTHER;
    queues.add(q);
    return q;
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
