package io.jtork.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The items of one running {@code each}, kept in the job so that its children are created in
 * their turn instead of all at once: {@code next} is the index of the first item that has no
 * execution yet. {@code var} is the name each item has in its child's scope, and {@code scope}
 * what else the child sees (an outer {@code each}'s item). The lists are never changed, and are
 * shared by every copy: a 100,000-item {@code each} takes its items one by one.
 */
public record EachItems(List<Object> items, String var, Map<String, Object> scope, int next) {
  public EachItems {
    if (items == null) items = List.of();
    if (scope == null) scope = Map.of();
  }

  /** A new {@code each}'s items, none taken yet; the lists are copied once, unmodifiable. */
  public static EachItems of(List<?> items, String var, Map<String, Object> scope) {
    return new EachItems(Collections.unmodifiableList(new ArrayList<>(items)), var,
        Collections.unmodifiableMap(new HashMap<>(scope)), 0);
  }

  /** Whether every item has an execution. */
  public boolean exhausted() {
    return next >= items.size();
  }

  /** With the next item taken. */
  EachItems taken() {
    return new EachItems(items, var, scope, next + 1);
  }
}
