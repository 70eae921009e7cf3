package io.jtork.model;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.function.UnaryOperator;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PSortedSet;
import org.pcollections.PVector;
import org.pcollections.TreePSet;
import org.pcollections.TreePVector;

/**
 * A job's task executions in the order they were created: an immutable list that also finds an
 * execution by id, counts a composite's children by state, lists its held-back children in
 * order, and lists the executions with a run in progress, each without going through the whole
 * list. An {@code each} can have tens of thousands of children, and every transition of one of
 * them asks these questions; a list copied and scanned on each of them made a job's transitions
 * cost O(n) each, and a 10,000-item {@code each} O(n²) in all.
 *
 * <p>Built on pcollections' persistent structures: a changed copy shares all but O(log n) nodes
 * with the original, so old versions of a job (a reply in flight, a snapshot being written)
 * stay valid and cost nothing. Serialized as the plain list; the indexes are rebuilt when read.
 */
public final class Executions extends AbstractList<Task> implements RandomAccess {
  public static final Executions EMPTY =
      new Executions(TreePVector.empty(), HashTreePMap.empty(), HashTreePMap.empty(), TreePSet.empty());

  private final PVector<Task> tasks;
  /** Execution id to its index in {@link #tasks}. */
  private final PMap<String, Integer> index;
  /** Parent id to what its children are doing. */
  private final PMap<String, Children> children;
  /** Indexes of the executions with a run in progress ({@link Task#hasRunInProgress()}). */
  private final PSortedSet<Integer> inProgress;

  private Executions(PVector<Task> tasks, PMap<String, Integer> index, PMap<String, Children> children,
      PSortedSet<Integer> inProgress) {
    this.tasks = tasks;
    this.index = index;
    this.children = children;
    this.inProgress = inProgress;
  }

  /**
   * {@code list} itself if it already is one, else its tasks indexed. The indexes are gathered in
   * plain collections first and made persistent once: adding the tasks one by one with
   * {@link #plus} copied a composite's counts and replaced its entry for every child, a fifth of
   * reading a 10,000-execution snapshot.
   */
  public static Executions of(Collection<Task> list) {
    if (list instanceof Executions e) return e;
    Map<String, Integer> index = new HashMap<>();
    Map<String, int[]> counts = new HashMap<>();
    Map<String, List<Integer>> held = new HashMap<>();
    List<Integer> running = new ArrayList<>();
    int i = 0;
    for (Task t : list) {
      index.put(t.id(), i);
      if (t.parentId() != null) {
        counts.computeIfAbsent(t.parentId(), p -> new int[TaskState.values().length])[t.state().ordinal()]++;
        if (t.state() == TaskState.CREATED) held.computeIfAbsent(t.parentId(), p -> new ArrayList<>()).add(i);
      }
      if (t.hasRunInProgress()) running.add(i);
      i++;
    }
    Map<String, Children> children = new HashMap<>();
    counts.forEach((parent, byState) -> children.put(parent,
        new Children(byState, TreePSet.from(held.getOrDefault(parent, List.of())))));
    return new Executions(TreePVector.from(list), HashTreePMap.from(index), HashTreePMap.from(children),
        TreePSet.from(running));
  }

  @Override
  public Task get(int i) {
    return tasks.get(i);
  }

  @Override
  public int size() {
    return tasks.size();
  }

  @Override
  public Iterator<Task> iterator() {
    return tasks.iterator();
  }

  public Optional<Task> find(String id) {
    Integer i = index.get(id);
    return i == null ? Optional.empty() : Optional.of(tasks.get(i));
  }

  /** With {@code t} added at the end. */
  public Executions plus(Task t) {
    int i = tasks.size();
    PMap<String, Children> kids = children;
    if (t.parentId() != null) kids = kids.plus(t.parentId(), childrenOf(t.parentId()).added(i, t.state()));
    return new Executions(tasks.plus(t), index.plus(t.id(), i), kids,
        t.hasRunInProgress() ? inProgress.plus(i) : inProgress);
  }

  /** With the execution {@code id} replaced by {@code change} of it; this list if there is none. */
  public Executions updated(String id, UnaryOperator<Task> change) {
    Integer i = index.get(id);
    if (i == null) return this;
    Task before = tasks.get(i);
    Task after = change.apply(before);
    if (after == before) return this;
    PMap<String, Children> kids = children;
    if (after.parentId() != null && before.state() != after.state()) {
      kids = kids.plus(after.parentId(), childrenOf(after.parentId()).moved(i, before.state(), after.state()));
    }
    PSortedSet<Integer> running = inProgress;
    if (before.hasRunInProgress() != after.hasRunInProgress()) {
      running = after.hasRunInProgress() ? running.plus(i) : running.minus(i);
    }
    return new Executions(tasks.with(i, after), index, kids, running);
  }

  /** What the children of {@code parentId} are doing ({@link Children#NONE} when it has none). */
  public Children childrenOf(String parentId) {
    Children c = children.get(parentId);
    return c == null ? Children.NONE : c;
  }

  /** The children of {@code parentId} held back as CREATED, in the order they were created. */
  public Iterable<Task> waiting(String parentId) {
    PSortedSet<Integer> held = childrenOf(parentId).waiting;
    return () -> new Iterator<>() {
      private final Iterator<Integer> it = held.iterator();

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Task next() {
        return tasks.get(it.next());
      }
    };
  }

  /** The executions with a run in progress, in the order they were created. */
  public List<Task> inProgress() {
    List<Task> out = new ArrayList<>(inProgress.size());
    for (int i : inProgress) out.add(tasks.get(i));
    return out;
  }

  /** How many children of one composite are in each state, and which are held back. */
  public static final class Children {
    public static final Children NONE = new Children(new int[TaskState.values().length], TreePSet.empty());

    private final int[] byState;
    private final PSortedSet<Integer> waiting;

    private Children(int[] byState, PSortedSet<Integer> waiting) {
      this.byState = byState;
      this.waiting = waiting;
    }

    public int count(TaskState s) {
      return byState[s.ordinal()];
    }

    public int total() {
      return Arrays.stream(byState).sum();
    }

    /** Whether any child has not ended ({@link TaskState#isActive()}). */
    public boolean anyActive() {
      for (TaskState s : TaskState.values()) {
        if (s.isActive() && byState[s.ordinal()] > 0) return true;
      }
      return false;
    }

    private Children added(int i, TaskState s) {
      int[] counts = byState.clone();
      counts[s.ordinal()]++;
      return new Children(counts, s == TaskState.CREATED ? waiting.plus(i) : waiting);
    }

    private Children moved(int i, TaskState from, TaskState to) {
      int[] counts = byState.clone();
      counts[from.ordinal()]--;
      counts[to.ordinal()]++;
      PSortedSet<Integer> held = waiting;
      if (from == TaskState.CREATED) held = held.minus(i);
      if (to == TaskState.CREATED) held = held.plus(i);
      return new Children(counts, held);
    }
  }
}
