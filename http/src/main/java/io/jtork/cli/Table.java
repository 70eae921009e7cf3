package io.jtork.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A table for people: a header and rows, columns aligned, two spaces apart. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(String... cells) {
    rows.add(cells);
    return this;
  }

  /** The rows below the header. */
  int size() {
    return rows.size() - 1;
  }

  void print(PrintWriter out) {
    print(out, true);
  }

  /** Prints the rows alone (a list of fields, say). */
  void printRows(PrintWriter out) {
    print(out, false);
  }

  private void print(PrintWriter out, boolean header) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) width[i] = Math.max(width[i], cell(r, i).length());
    }
    for (String[] r : header ? rows : rows.subList(1, rows.size())) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String c = cell(r, i);
        line.append(c);
        if (i < columns - 1) line.append(" ".repeat(width[i] - c.length() + 2));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String cell(String[] row, int i) {
    return i < row.length && row[i] != null ? row[i] : "";
  }

  /** An API timestamp to the second ({@code 2026-01-31T09:30:00Z}), or {@code -}. */
  static String time(String iso) {
    if (iso == null || iso.isEmpty()) return "-";
    int dot = iso.indexOf('.');
    return dot < 0 ? iso : iso.substring(0, dot) + "Z";
  }
}
