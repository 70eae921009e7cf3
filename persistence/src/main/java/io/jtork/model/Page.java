package io.jtork.model;

import java.util.List;

/**
 * Tork's page shape. {@code size} is the number of items on this page, not the size asked for.
 */
public record Page<T>(List<T> items, int number, int size, int totalPages, long totalItems) {
  public static <T> Page<T> of(List<T> items, int number, int pageSize, long totalItems) {
    int totalPages = (int) ((totalItems + pageSize - 1) / pageSize);
    return new Page<>(items, number, items.size(), totalPages, totalItems);
  }
}
