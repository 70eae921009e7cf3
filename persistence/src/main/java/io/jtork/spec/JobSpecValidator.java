package io.jtork.spec;

import io.jtork.schedule.CronSchedule;
import io.jtork.text.Shown;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tork's validation rules ({@code input/validate.go}, reference/tork.md §1), applied to a whole
 * job at once so that the user sees every error in one response. Beyond Tork it also checks
 * what would otherwise fail later at run time: template syntax in evaluated fields, limits
 * syntax, file names that would escape the work directory, and sub-job tasks.
 */
public final class JobSpecValidator {
  /** Queues the coordinator uses internally in Tork; a task may not be routed to them. */
  public static final Set<String> COORDINATOR_QUEUES =
      Set.of("pending", "started", "completed", "error", "heartbeat", "jobs", "logs", "progress", "redeliveries");
  public static final Set<String> WEBHOOK_EVENTS =
      Set.of("job.StateChange", "job.Progress", "task.StateChange", "task.Progress");
  private static final Set<String> MOUNT_TYPES = Set.of("volume", "bind", "tmpfs");
  private static final Pattern MOUNT_PATH = Pattern.compile("^[-/.0-9a-zA-Z_= ]+$");
  private static final Pattern CPUS = Pattern.compile("^(\\d+(\\.\\d*)?|\\.\\d+)$");
  private static final Pattern MEMORY = Pattern.compile("^\\d+(\\.\\d+)?[bkmgtBKMGT]?[bB]?$");
  private static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*(.+?)\\s*}}", Pattern.DOTALL);

  private final ExpressionChecker expressions;
  private final BindPolicy binds;
  private final List<SpecError> errors = new ArrayList<>();

  private JobSpecValidator(ExpressionChecker expressions, BindPolicy binds) {
    this.expressions = expressions;
    this.binds = binds;
  }

  /** Every problem with {@code job}, with bind mounts allowed anywhere; empty when it may run. */
  public static List<SpecError> validate(JobSpec job, ExpressionChecker expressions) {
    return validate(job, expressions, new BindPolicy(true, List.of()));
  }

  /** Every problem with {@code job} under this cluster's bind-mount policy; empty when it may run. */
  public static List<SpecError> validate(JobSpec job, ExpressionChecker expressions, BindPolicy binds) {
    JobSpecValidator v = new JobSpecValidator(expressions, binds);
    v.job(job);
    return List.copyOf(v.errors);
  }

  /** Parses and validates in one step (bind mounts allowed anywhere), throwing with all errors. */
  public static JobSpec parse(String body, JobSpecReader.Format format, ExpressionChecker expressions)
      throws InvalidSpecException {
    return parse(body, format, expressions, new BindPolicy(true, List.of()));
  }

  /** Parses and validates in one step, throwing with all errors. */
  public static JobSpec parse(String body, JobSpecReader.Format format, ExpressionChecker expressions,
      BindPolicy binds) throws InvalidSpecException {
    JobSpec job = JobSpecReader.readJob(body, format);
    List<SpecError> errs = validate(job, expressions, binds);
    if (!errs.isEmpty()) throw new InvalidSpecException(errs);
    return job;
  }

  /**
   * Parses and validates a scheduled job ({@code POST /scheduled-jobs}): the job part under the
   * same rules as {@code POST /jobs}, and its {@code schedule}. Throws with all errors.
   */
  public static ScheduledJobSpec parseScheduled(String body, JobSpecReader.Format format,
      ExpressionChecker expressions, BindPolicy binds) throws InvalidSpecException {
    ScheduledJobSpec scheduled = JobSpecReader.read(body, format, ScheduledJobSpec.class);
    JobSpecValidator v = new JobSpecValidator(expressions, binds);
    v.job(scheduled.job());
    v.schedule("schedule", scheduled.schedule());
    if (!v.errors.isEmpty()) throw new InvalidSpecException(List.copyOf(v.errors));
    return scheduled;
  }

  private void schedule(String path, ScheduleSpec s) {
    if (s == null) {
      error(path, "required");
      return;
    }
    try {
      CronSchedule.zone(s.timezone());
    } catch (CronSchedule.InvalidScheduleException e) {
      error(path + ".timezone", e.getMessage());
    }
    if (required(path + ".cron", s.cron())) {
      try {
        var cron = CronSchedule.parse(s.cron(), null);
        if (cron.nextAfter(Instant.now()).isEmpty()) {
          error(path + ".cron", "\"" + s.cron() + "\" never fires");
        }
      } catch (CronSchedule.InvalidScheduleException e) {
        error(path + ".cron", e.getMessage());
      }
    }
    oneOf(path + ".catchUp", s.catchUp(), "none", "last", "all");
    oneOf(path + ".overlap", s.overlap(), "allow", "skip");
  }

  private void oneOf(String path, String value, String... allowed) {
    if (value == null || value.isBlank()) return;
    if (!List.of(allowed).contains(value.trim().toLowerCase(Locale.ROOT))) {
      error(path, "must be one of " + String.join(", ", allowed) + " (got \"" + value + "\")");
    }
  }

  private void job(JobSpec job) {
    required("name", job.name());
    if (job.tasks().isEmpty()) error("tasks", "at least one task is required");
    tasks("tasks", job.tasks());
    template("output", job.output());
    defaults("defaults", job.defaults());
    webhooks("webhooks", job.webhooks());
    for (int i = 0; i < job.permissions().size(); i++) {
      PermissionSpec p = job.permissions().get(i);
      boolean role = notBlank(p == null ? null : p.role());
      boolean user = notBlank(p == null ? null : p.user());
      if (role == user) error("permissions[" + i + "]", "exactly one of role and user is required");
    }
    autoDelete("autoDelete", job.autoDelete());
    if (job.waitFor() != null) {
      if (required("wait.timeout", job.waitFor().timeout())) duration("wait.timeout", job.waitFor().timeout());
    }
  }

  private void autoDelete(String path, AutoDeleteSpec a) {
    if (a != null && required(path + ".after", a.after())) duration(path + ".after", a.after());
  }

  private void defaults(String path, DefaultsSpec d) {
    if (d == null) return;
    retry(path + ".retry", d.retry());
    limits(path + ".limits", d.limits());
    duration(path + ".timeout", d.timeout());
    queue(path + ".queue", d.queue());
    range(path + ".priority", d.priority(), 0, 9);
  }

  private void webhooks(String path, List<WebhookSpec> hooks) {
    for (int i = 0; i < hooks.size(); i++) {
      String p = path + "[" + i + "]";
      WebhookSpec w = hooks.get(i);
      if (w == null) {
        error(p, "must not be empty");
        continue;
      }
      if (required(p + ".url", w.url())) {
        if (w.url().contains("{{")) {
          template(p + ".url", w.url());
        } else {
          url(p + ".url", w.url());
        }
      }
      if (notBlank(w.event()) && !WEBHOOK_EVENTS.contains(w.event())) {
        error(p + ".event", "must be one of job.StateChange, job.Progress, task.StateChange, task.Progress (got \""
            + w.event() + "\")");
      }
      wholeExpression(p + ".if", w.condition());
      w.headers().forEach((k, v) -> template(p + ".headers." + k, v));
    }
  }

  /**
   * The most tasks one {@code parallel} may run: each is an execution created at once, in one
   * write of the job (docs/limits.md).
   */
  static final int MAX_PARALLEL_TASKS = 1000;

  /**
   * How deep {@code parallel}, {@code each} and {@code subjob} may nest inside one another: every
   * level multiplies the executions a job can create, and a sub-job is a job of its own
   * (docs/limits.md).
   */
  static final int MAX_NESTING = 10;

  private void tasks(String path, List<TaskSpec> tasks) {
    tasks(path, tasks, 0);
  }

  private void tasks(String path, List<TaskSpec> tasks, int depth) {
    for (int i = 0; i < tasks.size(); i++) task(path + "[" + i + "]", tasks.get(i), depth);
  }

  /** {@code depth}: how many composites ({@code parallel}, {@code each}, {@code subjob}) this task is inside. */
  private void task(String p, TaskSpec t, int depth) {
    if (t == null) {
      error(p, "must not be empty");
      return;
    }
    if (t.isComposite() && depth >= MAX_NESTING) {
      error(p, "parallel, each and subjob nest more than " + MAX_NESTING + " deep");
      return;
    }
    required(p + ".name", t.name());
    template(p + ".name", t.name());
    maxLength(p + ".var", t.var(), 64);
    template(p + ".var", t.var());
    template(p + ".image", t.image());
    queue(p + ".queue", t.queue());
    template(p + ".queue", t.queue());
    retry(p + ".retry", t.retry());
    limits(p + ".limits", t.limits());
    duration(p + ".timeout", t.timeout());
    range(p + ".priority", t.priority(), 0, 9);
    maxLength(p + ".workdir", t.workdir(), 256);
    condition(p + ".if", t.condition());
    env(p + ".env", t.env());
    files(p + ".files", t.files());
    for (int i = 0; i < t.cmd().size(); i++) template(p + ".cmd[" + i + "]", t.cmd().get(i));
    aux(p + ".pre", t.pre());
    aux(p + ".post", t.post());
    sidecars(p + ".sidecars", t.sidecars());
    mounts(p + ".mounts", t.mounts());

    int kinds = (t.parallel() != null ? 1 : 0) + (t.each() != null ? 1 : 0) + (t.subjob() != null ? 1 : 0);
    if (kinds > 1) error(p, "parallel, each and subjob are mutually exclusive");
    if (kinds > 0) compositeFields(p, t);
    if (t.parallel() != null) {
      if (t.parallel().tasks().isEmpty()) error(p + ".parallel.tasks", "at least one task is required");
      if (t.parallel().tasks().size() > MAX_PARALLEL_TASKS) {
        error(p + ".parallel.tasks", t.parallel().tasks().size() + " tasks, more than " + MAX_PARALLEL_TASKS
            + " (use each to fan out further)");
      } else {
        tasks(p + ".parallel.tasks", t.parallel().tasks(), depth + 1);
      }
    }
    if (t.each() != null) {
      EachSpec e = t.each();
      if (required(p + ".each.list", e.list())) wholeExpression(p + ".each.list", e.list());
      if (e.task() == null) error(p + ".each.task", "required");
      else task(p + ".each.task", e.task(), depth + 1);
      range(p + ".each.concurrency", e.concurrency(), 0, 99999);
      template(p + ".each.var", e.var());
    }
    if (t.subjob() != null) {
      SubJobSpec s = t.subjob();
      required(p + ".subjob.name", s.name());
      template(p + ".subjob.name", s.name());
      if (s.tasks().isEmpty()) error(p + ".subjob.tasks", "at least one task is required");
      tasks(p + ".subjob.tasks", s.tasks(), depth + 1);
      template(p + ".subjob.output", s.output());
      s.inputs().forEach((k, v) -> template(p + ".subjob.inputs." + k, v));
      s.secrets().forEach((k, v) -> template(p + ".subjob.secrets." + k, v));
      autoDelete(p + ".subjob.autoDelete", s.autoDelete());
      webhooks(p + ".subjob.webhooks", s.webhooks());
    }
  }

  private void compositeFields(String p, TaskSpec t) {
    String kind = t.parallel() != null ? "parallel" : t.each() != null ? "each" : "subjob";
    notOnComposite(p, kind, "image", notBlank(t.image()));
    notOnComposite(p, kind, "cmd", !t.cmd().isEmpty());
    notOnComposite(p, kind, "entrypoint", !t.entrypoint().isEmpty());
    notOnComposite(p, kind, "run", notBlank(t.run()));
    notOnComposite(p, kind, "env", !t.env().isEmpty());
    notOnComposite(p, kind, "queue", notBlank(t.queue()));
    notOnComposite(p, kind, "pre", !t.pre().isEmpty());
    notOnComposite(p, kind, "post", !t.post().isEmpty());
    notOnComposite(p, kind, "mounts", !t.mounts().isEmpty());
    notOnComposite(p, kind, "retry", t.retry() != null);
    notOnComposite(p, kind, "limits", t.limits() != null);
    notOnComposite(p, kind, "timeout", notBlank(t.timeout()));
  }

  private void notOnComposite(String p, String kind, String field, boolean set) {
    if (set) error(p + "." + field, "not allowed on a composite (" + kind + ") task");
  }

  private void aux(String path, List<AuxTaskSpec> steps) {
    for (int i = 0; i < steps.size(); i++) {
      String p = path + "[" + i + "]";
      AuxTaskSpec a = steps.get(i);
      if (a == null) {
        error(p, "must not be empty");
        continue;
      }
      required(p + ".name", a.name());
      template(p + ".name", a.name());
      template(p + ".image", a.image());
      duration(p + ".timeout", a.timeout());
      env(p + ".env", a.env());
      files(p + ".files", a.files());
      for (int j = 0; j < a.cmd().size(); j++) template(p + ".cmd[" + j + "]", a.cmd().get(j));
    }
  }

  private void sidecars(String path, List<SidecarSpec> sidecars) {
    for (int i = 0; i < sidecars.size(); i++) {
      String p = path + "[" + i + "]";
      SidecarSpec s = sidecars.get(i);
      if (s == null) {
        error(p, "must not be empty");
        continue;
      }
      required(p + ".name", s.name());
      duration(p + ".timeout", s.timeout());
      env(p + ".env", s.env());
      files(p + ".files", s.files());
      if (s.probe() != null) {
        if (required(p + ".probe.path", s.probe().path())) maxLength(p + ".probe.path", s.probe().path(), 256);
        if (s.probe().port() == null) error(p + ".probe.port", "required");
        else range(p + ".probe.port", s.probe().port(), 1, 65535);
        duration(p + ".probe.timeout", s.probe().timeout());
      }
    }
  }

  private void mounts(String path, List<MountSpec> mounts) {
    for (int i = 0; i < mounts.size(); i++) {
      String p = path + "[" + i + "]";
      MountSpec m = mounts.get(i);
      if (m == null) {
        error(p, "must not be empty");
        continue;
      }
      if (!notBlank(m.type())) {
        error(p + ".type", "required");
      } else if (!MOUNT_TYPES.contains(m.type())) {
        error(p + ".type", "must be one of volume, bind, tmpfs (got \"" + m.type() + "\")");
      } else {
        switch (m.type()) {
          case "volume", "tmpfs" -> {
            if (notBlank(m.source())) error(p + ".source", "must be empty for a " + m.type() + " mount");
            required(p + ".target", m.target());
          }
          case "bind" -> {
            required(p + ".source", m.source());
            required(p + ".target", m.target());
            String refusal = notBlank(m.source()) ? binds.refusal(m.source()) : null;
            if (refusal != null) error(p + ".source", refusal);
          }
          default -> { }
        }
      }
      mountPath(p + ".source", m.source());
      mountPath(p + ".target", m.target());
      if ("/tork".equals(m.target()) || (m.target() != null && m.target().startsWith("/tork/"))) {
        error(p + ".target", "/tork is reserved");
      }
    }
  }

  private void mountPath(String path, String value) {
    if (notBlank(value) && !MOUNT_PATH.matcher(value).matches()) {
      error(path, "invalid path \"" + value + "\": only letters, digits, space and -/._= are allowed");
    }
  }

  private void retry(String path, RetrySpec r) {
    if (r == null) return;
    if (r.limit() == null) error(path + ".limit", "required");
    else range(path + ".limit", r.limit(), 1, 10);
    duration(path + ".initialDelay", r.initialDelay());
    if (r.scalingFactor() != null && !(r.scalingFactor() >= 1.0 && r.scalingFactor() <= 100.0)) {
      error(path + ".scalingFactor", "must be between 1 and 100 (got " + r.scalingFactor() + ")");
    }
  }

  private void limits(String path, LimitsSpec l) {
    if (l == null) return;
    if (notBlank(l.cpus()) && (!CPUS.matcher(l.cpus().trim()).matches() || Double.parseDouble(l.cpus().trim()) <= 0)) {
      error(path + ".cpus", "must be a positive number such as \".5\" or \"2\" (got \"" + l.cpus() + "\")");
    }
    if (notBlank(l.memory()) && !MEMORY.matcher(l.memory().trim()).matches()) {
      error(path + ".memory", "must be a size such as \"512m\" or \"1g\" (got \"" + l.memory() + "\")");
    }
  }

  private void queue(String path, String q) {
    if (!notBlank(q)) return;
    if (q.startsWith("x-")) error(path, "must not start with \"x-\" (got \"" + q + "\")");
    else if (COORDINATOR_QUEUES.contains(q)) error(path, "\"" + q + "\" is a coordinator queue");
  }

  private void env(String path, Map<String, String> env) {
    env.forEach((k, v) -> {
      if (k.isEmpty() || k.contains("=") || k.indexOf('\0') >= 0) {
        error(path, "invalid variable name \"" + k + "\"");
      }
      template(path + "." + k, v);
    });
  }

  /** The longest name of a file in {@code files}, in characters (a file name's usual limit, NAME_MAX). */
  static final int MAX_FILE_NAME = 255;

  private void files(String path, Map<String, String> files) {
    for (String name : files.keySet()) {
      String shown = name.length() > 100 ? name.substring(0, 100) + "…" : name;
      if (name.length() > MAX_FILE_NAME) {
        error(path, "invalid file name \"" + shown + "\": must be at most " + MAX_FILE_NAME + " characters (got "
            + name.length() + ")");
        continue;
      }
      String n = name.replace('\\', '/');
      boolean control = n.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
      List<String> parts = List.of(n.split("/", -1));
      boolean escapes = n.isEmpty() || n.startsWith("/") || control
          || parts.stream().anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."));
      if (escapes) {
        error(path, "invalid file name \"" + shown.replaceAll("\\p{Cntrl}", "?")
            + "\": it must be a relative path inside the work directory, without \".\", \"..\" or empty parts");
      }
    }
  }

  private void condition(String path, String value) {
    if (!notBlank(value)) return;
    if (value.contains("{{")) template(path, value);
    else wholeExpression(path, value);
  }

  /** A field evaluated as one expression ({@code each.list}, webhook {@code if}); braces are optional. */
  private void wholeExpression(String path, String value) {
    if (!notBlank(value)) return;
    String ex = stripBraces(value);
    if (ex.isBlank()) {
      error(path, "empty expression");
      return;
    }
    expressions.check(ex).ifPresent(msg -> error(path, "invalid expression \"" + shown(ex) + "\": " + msg));
  }

  /**
   * An expression as an error quotes it: cut after 100 characters, so that the reason after it
   * (the limit it broke) is never lost when a long error is cut to fit the response.
   */
  private static String shown(String ex) {
    return Shown.cut(ex, 100);
  }

  /** A field evaluated as a template: every {@code {{ }}} in it must compile. */
  private void template(String path, String value) {
    if (value == null || !value.contains("{{")) return;
    Matcher m = TEMPLATE.matcher(value);
    while (m.find()) {
      String ex = m.group(1);
      Optional<String> problem = expressions.check(ex);
      problem.ifPresent(msg -> error(path, "invalid expression \"" + shown(ex) + "\": " + msg));
    }
  }

  /** Tork's {@code sanitizeExpr}: the first {@code {{ ... }}} is unwrapped. */
  public static String stripBraces(String value) {
    String s = value.trim();
    if (s.startsWith("{{") && s.endsWith("}}")) s = s.substring(2, s.length() - 2);
    return s.trim();
  }

  private void url(String path, String value) {
    try {
      URI u = new URI(value);
      String scheme = u.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || u.getHost() == null) {
        error(path, "must be an http or https URL (got \"" + value + "\")");
      }
    } catch (URISyntaxException e) {
      error(path, "must be an http or https URL (got \"" + value + "\")");
    }
  }

  private void duration(String path, String value) {
    if (notBlank(value) && !GoDuration.isValid(value)) {
      error(path, "invalid duration \"" + value + "\" (use a Go duration such as 30s, 5m or 1h30m)");
    } else if (notBlank(value) && GoDuration.parse(value).orElseThrow().isNegative()) {
      error(path, "must not be negative (got \"" + value + "\")");
    } else if (notBlank(value) && GoDuration.parse(value).orElseThrow().compareTo(GoDuration.MAX) > 0) {
      error(path, "must be at most " + GoDuration.MAX.toHours() + "h (" + GoDuration.MAX.toDays()
          + " days, limit duration.max; got \"" + value + "\")");
    }
  }

  private void range(String path, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      error(path, "must be between " + min + " and " + max + " (got " + value + ")");
    }
  }

  private void maxLength(String path, String value, int max) {
    if (value != null && value.length() > max) {
      error(path, "must be at most " + max + " characters (got " + value.length() + ")");
    }
  }

  private boolean required(String path, String value) {
    if (!notBlank(value)) {
      error(path, "required");
      return false;
    }
    return true;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private void error(String path, String message) {
    errors.add(new SpecError(path, message));
  }
}
