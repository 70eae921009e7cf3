package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A composite task whose children all start at once. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ParallelSpec(List<TaskSpec> tasks) {
  public ParallelSpec {
    tasks = Specs.list(tasks);
  }
}
