package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One task of a job (Tork's {@code input.Task}): a script or command, or a composite
 * ({@code parallel}, {@code each}, {@code subjob}) that runs other tasks.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TaskSpec(
    String name,
    String description,
    @JsonProperty("var") String var,
    String image,
    String run,
    List<String> cmd,
    List<String> entrypoint,
    Map<String, String> env,
    Map<String, String> files,
    String queue,
    RetrySpec retry,
    LimitsSpec limits,
    String timeout,
    Integer priority,
    List<AuxTaskSpec> pre,
    List<AuxTaskSpec> post,
    List<SidecarSpec> sidecars,
    List<MountSpec> mounts,
    List<String> networks,
    String workdir,
    @JsonProperty("if") String condition,
    ParallelSpec parallel,
    EachSpec each,
    SubJobSpec subjob,
    String gpus,
    List<String> tags,
    RegistrySpec registry) {

  public TaskSpec {
    cmd = Specs.list(cmd);
    entrypoint = Specs.list(entrypoint);
    env = Specs.map(env);
    files = Specs.map(files);
    pre = Specs.list(pre);
    post = Specs.list(post);
    sidecars = Specs.list(sidecars);
    mounts = Specs.list(mounts);
    networks = Specs.list(networks);
    tags = Specs.list(tags);
  }

  /** A task that only runs other tasks and never reaches a worker itself. */
  @JsonIgnore
  public boolean isComposite() {
    return parallel != null || each != null || subjob != null;
  }

  public static TaskSpec named(String name) {
    return builder().name(name).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder(null);
  }

  /** Copy-with for a record of 27 fields: the task factory fills in evaluated values and defaults. */
  public static final class Builder {
    private String name, description, var, image, run, queue, timeout, workdir, condition, gpus;
    private List<String> cmd, entrypoint, networks, tags;
    private Map<String, String> env, files;
    private RetrySpec retry;
    private LimitsSpec limits;
    private Integer priority;
    private List<AuxTaskSpec> pre, post;
    private List<SidecarSpec> sidecars;
    private List<MountSpec> mounts;
    private ParallelSpec parallel;
    private EachSpec each;
    private SubJobSpec subjob;
    private RegistrySpec registry;

    private Builder(TaskSpec t) {
      if (t == null) return;
      name = t.name; description = t.description; var = t.var; image = t.image; run = t.run;
      cmd = t.cmd; entrypoint = t.entrypoint; env = t.env; files = t.files; queue = t.queue;
      retry = t.retry; limits = t.limits; timeout = t.timeout; priority = t.priority;
      pre = t.pre; post = t.post; sidecars = t.sidecars; mounts = t.mounts; networks = t.networks;
      workdir = t.workdir; condition = t.condition; parallel = t.parallel; each = t.each;
      subjob = t.subjob; gpus = t.gpus; tags = t.tags; registry = t.registry;
    }

    public Builder name(String v) { name = v; return this; }
    public Builder description(String v) { description = v; return this; }
    public Builder var(String v) { var = v; return this; }
    public Builder image(String v) { image = v; return this; }
    public Builder run(String v) { run = v; return this; }
    public Builder cmd(List<String> v) { cmd = v; return this; }
    public Builder entrypoint(List<String> v) { entrypoint = v; return this; }
    public Builder env(Map<String, String> v) { env = v; return this; }
    public Builder files(Map<String, String> v) { files = v; return this; }
    public Builder queue(String v) { queue = v; return this; }
    public Builder retry(RetrySpec v) { retry = v; return this; }
    public Builder limits(LimitsSpec v) { limits = v; return this; }
    public Builder timeout(String v) { timeout = v; return this; }
    public Builder priority(Integer v) { priority = v; return this; }
    public Builder pre(List<AuxTaskSpec> v) { pre = v; return this; }
    public Builder post(List<AuxTaskSpec> v) { post = v; return this; }
    public Builder sidecars(List<SidecarSpec> v) { sidecars = v; return this; }
    public Builder mounts(List<MountSpec> v) { mounts = v; return this; }
    public Builder networks(List<String> v) { networks = v; return this; }
    public Builder workdir(String v) { workdir = v; return this; }
    public Builder condition(String v) { condition = v; return this; }
    public Builder parallel(ParallelSpec v) { parallel = v; return this; }
    public Builder each(EachSpec v) { each = v; return this; }
    public Builder subjob(SubJobSpec v) { subjob = v; return this; }
    public Builder gpus(String v) { gpus = v; return this; }
    public Builder tags(List<String> v) { tags = v; return this; }
    public Builder registry(RegistrySpec v) { registry = v; return this; }

    public TaskSpec build() {
      return new TaskSpec(name, description, var, image, run, cmd, entrypoint, env, files, queue,
          retry, limits, timeout, priority, pre, post, sidecars, mounts, networks, workdir,
          condition, parallel, each, subjob, gpus, tags, registry);
    }
  }

  @Override
  public String toString() {
    return "TaskSpec[name=" + name + "]";
  }
}
