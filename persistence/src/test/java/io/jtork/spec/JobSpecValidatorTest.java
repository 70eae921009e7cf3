package io.jtork.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation rule, each with the exact message a user sees. */
class JobSpecValidatorTest {
  /** Stands in for the expression engine: "(((" does not compile. */
  private static final ExpressionChecker EXPR = e -> e.contains("(((") ? Optional.of("syntax error") : Optional.empty();

  private static List<String> validate(String yaml) throws InvalidSpecException {
    JobSpec job = JobSpecReader.readJob(yaml, JobSpecReader.Format.YAML);
    return JobSpecValidator.validate(job, EXPR).stream().map(SpecError::toString).toList();
  }

  /** A job of one task whose body is {@code taskYaml} (indented under "- "). */
  private static String task(String taskYaml) {
    return "name: j\ntasks:\n- " + taskYaml.strip().replace("\n", "\n  ") + "\n";
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of("job name", "tasks:\n- name: a\n", List.of("name: required")),
        Arguments.of("no tasks", "name: j\ntasks: []\n", List.of("tasks: at least one task is required")),
        Arguments.of("tasks missing", "name: j\n", List.of("tasks: at least one task is required")),
        Arguments.of("task name", task("run: x"), List.of("tasks[0].name: required")),
        Arguments.of("var length", task("name: a\nvar: " + "v".repeat(65)),
            List.of("tasks[0].var: must be at most 64 characters (got 65)")),
        Arguments.of("x- queue", task("name: a\nqueue: x-mine"),
            List.of("tasks[0].queue: must not start with \"x-\" (got \"x-mine\")")),
        Arguments.of("coordinator queue", task("name: a\nqueue: jobs"),
            List.of("tasks[0].queue: \"jobs\" is a coordinator queue")),
        Arguments.of("retry limit missing", task("name: a\nretry: {}"), List.of("tasks[0].retry.limit: required")),
        Arguments.of("retry limit high", task("name: a\nretry: {limit: 11}"),
            List.of("tasks[0].retry.limit: must be between 1 and 10 (got 11)")),
        Arguments.of("retry limit zero", task("name: a\nretry: {limit: 0}"),
            List.of("tasks[0].retry.limit: must be between 1 and 10 (got 0)")),
        Arguments.of("retry initialDelay", task("name: a\nretry: {limit: 1, initialDelay: soon}"),
            List.of("tasks[0].retry.initialDelay: invalid duration \"soon\" (use a Go duration such as 30s, 5m or 1h30m)")),
        Arguments.of("retry scalingFactor", task("name: a\nretry: {limit: 1, scalingFactor: 0.5}"),
            List.of("tasks[0].retry.scalingFactor: must be between 1 and 100 (got 0.5)")),
        Arguments.of("timeout syntax", task("name: a\ntimeout: 5 sec"),
            List.of("tasks[0].timeout: invalid duration \"5 sec\" (use a Go duration such as 30s, 5m or 1h30m)")),
        Arguments.of("negative timeout", task("name: a\ntimeout: -5s"),
            List.of("tasks[0].timeout: must not be negative (got \"-5s\")")),
        Arguments.of("priority", task("name: a\npriority: 10"),
            List.of("tasks[0].priority: must be between 0 and 9 (got 10)")),
        Arguments.of("workdir length", task("name: a\nworkdir: /" + "w".repeat(256)),
            List.of("tasks[0].workdir: must be at most 256 characters (got 257)")),
        Arguments.of("if expression", task("name: a\nif: \"{{ ((( }}\""),
            List.of("tasks[0].if: invalid expression \"(((\": syntax error")),
        Arguments.of("if bare expression", task("name: a\nif: \"(((\""),
            List.of("tasks[0].if: invalid expression \"(((\": syntax error")),
        Arguments.of("template in name", task("name: \"{{ ((( }}\""),
            List.of("tasks[0].name: invalid expression \"(((\": syntax error")),
        Arguments.of("template in env", task("name: a\nenv: {A: \"{{ ((( }}\"}"),
            List.of("tasks[0].env.A: invalid expression \"(((\": syntax error")),
        Arguments.of("template in cmd", task("name: a\ncmd: [\"{{ ((( }}\"]"),
            List.of("tasks[0].cmd[0]: invalid expression \"(((\": syntax error")),
        Arguments.of("env name", task("name: a\nenv: {\"A=B\": x}"),
            List.of("tasks[0].env: invalid variable name \"A=B\"")),
        Arguments.of("file name escapes", task("name: a\nfiles: {\"../x\": y}"),
            List.of("tasks[0].files: invalid file name \"../x\": it must be a relative path inside the work directory, without \".\", \"..\" or empty parts")),
        Arguments.of("absolute file name", task("name: a\nfiles: {\"/etc/x\": y}"),
            List.of("tasks[0].files: invalid file name \"/etc/x\": it must be a relative path inside the work directory, without \".\", \"..\" or empty parts")),
        Arguments.of("dot file name", task("name: a\nfiles: {\".\": y}"),
            List.of("tasks[0].files: invalid file name \".\": it must be a relative path inside the work directory, without \".\", \"..\" or empty parts")),
        Arguments.of("empty part", task("name: a\nfiles: {\"a//b\": y}"),
            List.of("tasks[0].files: invalid file name \"a//b\": it must be a relative path inside the work directory, without \".\", \"..\" or empty parts")),
        Arguments.of("long file name", task("name: a\nfiles: {\"" + "f".repeat(300) + "\": y}"),
            List.of("tasks[0].files: invalid file name \"" + "f".repeat(100) + "…\": must be at most 255 characters (got 300)")),
        Arguments.of("cpus", task("name: a\nlimits: {cpus: lots}"),
            List.of("tasks[0].limits.cpus: must be a positive number such as \".5\" or \"2\" (got \"lots\")")),
        Arguments.of("memory", task("name: a\nlimits: {memory: huge}"),
            List.of("tasks[0].limits.memory: must be a size such as \"512m\" or \"1g\" (got \"huge\")")),
        Arguments.of("pre name", task("name: a\npre: [{run: x}]"), List.of("tasks[0].pre[0].name: required")),
        Arguments.of("post timeout", task("name: a\npost: [{name: p, timeout: x}]"),
            List.of("tasks[0].post[0].timeout: invalid duration \"x\" (use a Go duration such as 30s, 5m or 1h30m)")),
        Arguments.of("sidecar name", task("name: a\nsidecars: [{image: i}]"),
            List.of("tasks[0].sidecars[0].name: required")),
        Arguments.of("probe path and port", task("name: a\nsidecars: [{name: s, probe: {timeout: 1s}}]"),
            List.of("tasks[0].sidecars[0].probe.path: required", "tasks[0].sidecars[0].probe.port: required")),
        Arguments.of("probe port range", task("name: a\nsidecars: [{name: s, probe: {path: /, port: 70000}}]"),
            List.of("tasks[0].sidecars[0].probe.port: must be between 1 and 65535 (got 70000)")),
        Arguments.of("probe path length", task("name: a\nsidecars: [{name: s, probe: {path: /" + "p".repeat(256)
            + ", port: 80}}]"), List.of("tasks[0].sidecars[0].probe.path: must be at most 256 characters (got 257)")),
        Arguments.of("mount type", task("name: a\nmounts: [{target: /x}]"), List.of("tasks[0].mounts[0].type: required")),
        Arguments.of("mount type value", task("name: a\nmounts: [{type: nfs, target: /x}]"),
            List.of("tasks[0].mounts[0].type: must be one of volume, bind, tmpfs (got \"nfs\")")),
        Arguments.of("volume source", task("name: a\nmounts: [{type: volume, source: /s, target: /x}]"),
            List.of("tasks[0].mounts[0].source: must be empty for a volume mount")),
        Arguments.of("volume target", task("name: a\nmounts: [{type: volume}]"),
            List.of("tasks[0].mounts[0].target: required")),
        Arguments.of("bind source", task("name: a\nmounts: [{type: bind, target: /x}]"),
            List.of("tasks[0].mounts[0].source: required")),
        Arguments.of("tmpfs source", task("name: a\nmounts: [{type: tmpfs, source: /s, target: /x}]"),
            List.of("tasks[0].mounts[0].source: must be empty for a tmpfs mount")),
        Arguments.of("mount path", task("name: a\nmounts: [{type: volume, target: \"/x;rm\"}]"),
            List.of("tasks[0].mounts[0].target: invalid path \"/x;rm\": only letters, digits, space and -/._= are allowed")),
        Arguments.of("mount /tork", task("name: a\nmounts: [{type: volume, target: /tork}]"),
            List.of("tasks[0].mounts[0].target: /tork is reserved")),
        Arguments.of("composites exclusive", task("name: a\nparallel: {tasks: [{name: b}]}\nsubjob: {name: s, tasks: [{name: c}]}"),
            List.of("tasks[0]: parallel, each and subjob are mutually exclusive")),
        Arguments.of("fields on a composite", task("""
            name: a
            image: i
            run: r
            cmd: [c]
            entrypoint: [e]
            env: {A: b}
            queue: q
            pre: [{name: p}]
            post: [{name: p}]
            mounts: [{type: tmpfs, target: /t}]
            retry: {limit: 1}
            limits: {cpus: "1"}
            timeout: 1s
            parallel: {tasks: [{name: b}]}"""), Stream.of("image", "cmd", "entrypoint", "run", "env", "queue", "pre",
            "post", "mounts", "retry", "limits", "timeout")
            .map(f -> "tasks[0]." + f + ": not allowed on a composite (parallel) task").toList()),
        Arguments.of("parallel tasks", task("name: a\nparallel: {tasks: []}"),
            List.of("tasks[0].parallel.tasks: at least one task is required")),
        Arguments.of("a long expression is quoted cut short, so the reason stays in view",
            task("name: a\nrun: x\nenv: {A: \"{{ " + "x".repeat(150) + "((( }}\"}"),
            List.of("tasks[0].env.A: invalid expression \"" + "x".repeat(100) + "… (153 characters)\": syntax error")),
        Arguments.of("parallel size", task("name: a\nparallel: {tasks: [" + "{name: b, run: x}, ".repeat(1000)
            + "{name: b, run: x}]}"), List.of("tasks[0].parallel.tasks: 1001 tasks, more than 1000 (use each to fan out"
            + " further)")),
        Arguments.of("nesting", task("name: a\n" + "parallel: {tasks: [{name: b, ".repeat(11) + "run: x"
            + "}]}".repeat(11)), List.of("tasks[0]" + ".parallel.tasks[0]".repeat(10)
            + ": parallel, each and subjob nest more than 10 deep")),
        Arguments.of("nesting ten deep is allowed", task("name: a\n" + "parallel: {tasks: [{name: b, ".repeat(10)
            + "run: x" + "}]}".repeat(10)), List.of()),
        Arguments.of("parallel child name", task("name: a\nparallel: {tasks: [{run: x}]}"),
            List.of("tasks[0].parallel.tasks[0].name: required")),
        Arguments.of("each list and task", task("name: a\neach: {concurrency: 100000}"),
            List.of("tasks[0].each.list: required", "tasks[0].each.task: required",
                "tasks[0].each.concurrency: must be between 0 and 99999 (got 100000)")),
        Arguments.of("each list expression", task("name: a\neach: {list: \"{{ ((( }}\", task: {name: b}}"),
            List.of("tasks[0].each.list: invalid expression \"(((\": syntax error")),
        Arguments.of("each task name", task("name: a\neach: {list: \"{{ [1] }}\", task: {run: x}}"),
            List.of("tasks[0].each.task.name: required")),
        Arguments.of("subjob name and tasks", task("name: a\nsubjob: {detached: true}"),
            List.of("tasks[0].subjob.name: required", "tasks[0].subjob.tasks: at least one task is required")),
        Arguments.of("subjob tasks are validated", task("name: a\nsubjob: {name: s, tasks: [{name: b, priority: 12}]}"),
            List.of("tasks[0].subjob.tasks[0].priority: must be between 0 and 9 (got 12)")),
        Arguments.of("defaults", "name: j\ndefaults: {retry: {limit: 20}, timeout: x, queue: x-q, priority: -1,"
            + " limits: {memory: lots}}\ntasks:\n- name: a\n", List.of(
            "defaults.retry.limit: must be between 1 and 10 (got 20)",
            "defaults.limits.memory: must be a size such as \"512m\" or \"1g\" (got \"lots\")",
            "defaults.timeout: invalid duration \"x\" (use a Go duration such as 30s, 5m or 1h30m)",
            "defaults.queue: must not start with \"x-\" (got \"x-q\")",
            "defaults.priority: must be between 0 and 9 (got -1)")),
        Arguments.of("webhook url", "name: j\nwebhooks: [{event: job.StateChange}]\ntasks:\n- name: a\n",
            List.of("webhooks[0].url: required")),
        Arguments.of("webhook url scheme", "name: j\nwebhooks: [{url: \"ftp://h/x\"}]\ntasks:\n- name: a\n",
            List.of("webhooks[0].url: must be an http or https URL (got \"ftp://h/x\")")),
        Arguments.of("webhook event", "name: j\nwebhooks: [{url: \"http://h\", event: job.Done}]\ntasks:\n- name: a\n",
            List.of("webhooks[0].event: must be one of job.StateChange, job.Progress, task.StateChange, task.Progress"
                + " (got \"job.Done\")")),
        Arguments.of("webhook if", "name: j\nwebhooks: [{url: \"http://h\", if: \"(((\"}]\ntasks:\n- name: a\n",
            List.of("webhooks[0].if: invalid expression \"(((\": syntax error")),
        Arguments.of("webhook header template", "name: j\nwebhooks: [{url: \"http://h\", headers: {A: \"{{ ((( }}\"}}]"
            + "\ntasks:\n- name: a\n", List.of("webhooks[0].headers.A: invalid expression \"(((\": syntax error")),
        Arguments.of("permission with both", "name: j\npermissions: [{user: u, role: r}, {}]\ntasks:\n- name: a\n",
            List.of("permissions[0]: exactly one of role and user is required",
                "permissions[1]: exactly one of role and user is required")),
        Arguments.of("autoDelete", "name: j\nautoDelete: {after: later}\ntasks:\n- name: a\n",
            List.of("autoDelete.after: invalid duration \"later\" (use a Go duration such as 30s, 5m or 1h30m)")),
        Arguments.of("autoDelete after", "name: j\nautoDelete: {}\ntasks:\n- name: a\n",
            List.of("autoDelete.after: required")),
        Arguments.of("wait timeout", "name: j\nwait: {}\ntasks:\n- name: a\n", List.of("wait.timeout: required")),
        Arguments.of("wait timeout syntax", "name: j\nwait: {timeout: x}\ntasks:\n- name: a\n",
            List.of("wait.timeout: invalid duration \"x\" (use a Go duration such as 30s, 5m or 1h30m)")),
        Arguments.of("output", "name: j\noutput: \"{{ ((( }}\"\ntasks:\n- name: a\n",
            List.of("output: invalid expression \"(((\": syntax error")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void rejectsWithTheExactMessage(String rule, String yaml, List<String> expected) throws Exception {
    assertThat(validate(yaml)).containsExactlyElementsOf(expected);
  }

  @Test
  void acceptsAValidJobOfEveryShape() throws Exception {
    assertThat(validate("""
        name: j
        inputs: {a: b}
        secrets: {s: t}
        output: "{{ tasks.x }}"
        defaults: {retry: {limit: 2}, limits: {cpus: ".5", memory: 10m}, timeout: 1m, queue: default, priority: 1}
        webhooks: [{url: "https://example.com/hook", event: task.Progress, if: "job.State == 'COMPLETED'"}]
        permissions: [{user: u}, {role: r}]
        autoDelete: {after: 1h}
        wait: {timeout: 30s}
        tasks:
        - name: a
          var: x
          run: echo hi
          timeout: 1m30s
          retry: {limit: 3, initialDelay: 1s, scalingFactor: 2}
          mounts: [{type: bind, source: /data, target: /data}]
        - name: p
          parallel: {tasks: [{name: c, run: x}]}
        - name: e
          each: {list: "{{ sequence(1,5) }}", concurrency: 2, task: {name: "t{{ item.index }}", run: x}}
        - name: s
          subjob: {name: child, tasks: [{name: c}], output: "{{ 1 }}"}
        """)).isEmpty();
  }

  @Test
  void returnsAllErrorsOfAJobInOneGo() {
    assertThatThrownBy(() -> JobSpecValidator.parse("""
        tasks:
        - run: x
          priority: 11
        - name: b
          timeout: nope
        """, JobSpecReader.Format.YAML, EXPR))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(SpecError::path)
            .containsExactly("name", "tasks[0].name", "tasks[0].priority", "tasks[1].timeout"));
  }

  private static List<String> validate(String yaml, BindPolicy binds) throws InvalidSpecException {
    JobSpec job = JobSpecReader.readJob(yaml, JobSpecReader.Format.YAML);
    return JobSpecValidator.validate(job, EXPR, binds).stream().map(SpecError::toString).toList();
  }

  @Test
  void bindMountsAreRefusedWhenTheClusterDoesNotAllowThem() throws Exception {
    assertThat(validate(task("name: a\nmounts: [{type: bind, source: /data, target: /d}]"), BindPolicy.DENY))
        .containsExactly("tasks[0].mounts[0].source: bind mounts are not allowed on this cluster"
            + " (mounts.bind.allowed is false)");
  }

  @Test
  void bindMountsMustComeFromTheAllowList() throws Exception {
    BindPolicy policy = new BindPolicy(true, List.of("/srv/media/", "/data"));
    assertThat(validate(task("name: a\nmounts: [{type: bind, source: /etc, target: /d}]"), policy))
        .containsExactly("tasks[0].mounts[0].source: \"/etc\" is not in the allowed bind sources (/srv/media, /data)");
    assertThat(validate(task("name: a\nmounts: [{type: bind, source: /database, target: /d}]"), policy))
        .containsExactly("tasks[0].mounts[0].source: \"/database\" is not in the allowed bind sources (/srv/media, /data)");
    assertThat(validate(task("name: a\nmounts: [{type: bind, source: /data/../etc, target: /d}]"), policy))
        .containsExactly("tasks[0].mounts[0].source: \"/data/../etc\" must not contain \"..\"");
    assertThat(validate(task("name: a\nmounts: [{type: bind, source: /data, target: /d}, "
        + "{type: bind, source: /srv/media/in, target: /in}]"), policy)).isEmpty();
    assertThat(validate(task("name: a\nmounts: [{type: bind, source: /anything, target: /d}]"),
        new BindPolicy(true, List.of()))).isEmpty();
  }
}
