package io.jtork.text;

/** Text as errors and responses show it when it may be long. */
public final class Shown {
  private Shown() {}

  /** {@code text} cut after {@code max} characters, saying how long it was; null stays null. */
  public static String cut(String text, int max) {
    if (text == null || text.length() <= max) return text;
    return text.substring(0, max) + "… (" + text.length() + " characters)";
  }
}
