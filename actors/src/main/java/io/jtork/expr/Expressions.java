package io.jtork.expr;

import io.jtork.spec.ExpressionChecker;
import io.jtork.text.Shown;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.apache.commons.jexl3.introspection.JexlUberspect;

/**
 * Evaluates Tork expressions: templates such as {@code "ubuntu:{{ inputs.TAG }}"}, where each
 * {@code {{ }}} is evaluated and rendered with {@link GoValues}, and whole expressions such as
 * {@code each.list}, whose typed value is returned. See the package doc for the sandbox.
 * Thread-safe; one instance per node.
 */
public final class Expressions implements ExpressionChecker {
  /** Tork's template pattern: non-greedy, several per string. */
  public static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*(.+?)\\s*}}", Pattern.DOTALL);
  static final int MAX_EXPRESSION_LENGTH = Limits.MAX_EXPRESSION_LENGTH;
  static final int MAX_NESTING = Limits.MAX_NESTING;
  static final int MAX_RENDERED = Limits.MAX_RENDERED;
  /** How much of an expression an error message quotes. */
  static final int QUOTED = 200;
  private static final Pattern KEYWORD_FUNCTIONS = Pattern.compile("\\b(int|float)\\s*\\(");
  private static final Pattern LOCATION = Pattern.compile("^[^@]*@\\d+(:\\d+)?(:\\d+)?\\s*");

  private final JexlEngine engine;

  public Expressions() {
    JexlFeatures features = new JexlFeatures()
        .loops(false).lambda(false).sideEffect(false).sideEffectGlobal(false).newInstance(false)
        .methodCall(false).pragma(false).localVar(false).annotation(false).script(false)
        .importPragma(false).namespacePragma(false).structuredLiteral(true);
    Map<String, Object> namespaces = new HashMap<>();
    namespaces.put(null, TorkFunctions.class);
    engine = new JexlBuilder()
        .features(features)
        .permissions(new SandboxPermissions())
        .strategy(JexlUberspect.MAP_STRATEGY)
        .namespaces(namespaces)
        .arithmetic(new GoArithmetic())
        .strict(true)
        .safe(false)
        .silent(false)
        .cancellable(true)
        .stackOverflow(256)
        .cache(1024)
        .create();
  }

  /** Compiles {@code expression} without evaluating it. */
  @Override
  public Optional<String> check(String expression) {
    try {
      compile(expression);
      return Optional.empty();
    } catch (ExpressionException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Evaluates one expression and returns its typed value; lists come back as {@link List}. */
  public Object evaluate(String expression, Map<String, Object> scope) throws ExpressionException {
    Budget budget = Budget.open();
    try {
      JexlExpression compiled = compile(expression);
      try {
        Object v = compiled.evaluate(new MapContext(new HashMap<>(scope)));
        Budget.checkTime();
        return GoValues.isList(v) && !(v instanceof List<?>) ? GoValues.toList(v) : v;
      } catch (JexlException e) {
        throw new ExpressionException("error evaluating expression: " + quote(expression) + ": " + clean(e));
      } catch (RuntimeException | StackOverflowError e) {
        throw new ExpressionException("error evaluating expression: " + quote(expression) + ": " + describe(e));
      }
    } finally {
      Budget.close(budget);
    }
  }

  /** An expression as error messages quote it: at most {@value #QUOTED} characters. */
  static String quote(String expression) {
    return Shown.cut(expression, QUOTED);
  }

  /** A field evaluated as one expression, with or without braces ({@code each.list}, webhook {@code if}). */
  public Object evaluateWhole(String field, Map<String, Object> scope) throws ExpressionException {
    String s = field.trim();
    if (s.startsWith("{{") && s.endsWith("}}")) s = s.substring(2, s.length() - 2).trim();
    Budget budget = Budget.open();
    try {
      Object v = evaluate(s, scope);
      if (v instanceof List<?> l) {
        try {
          Limits.list("the list", l.size());
        } catch (LimitException e) {
          throw new ExpressionException("error evaluating expression: " + quote(s) + ": " + e.getMessage());
        }
      }
      return v;
    } finally {
      Budget.close(budget);
    }
  }

  /** Replaces every {@code {{ }}} in {@code text}; text without templates comes back unchanged. */
  public String template(String text, Map<String, Object> scope) throws ExpressionException {
    if (text == null || !text.contains("{{")) return text;
    Budget budget = Budget.open();
    try {
      Matcher m = TEMPLATE.matcher(text);
      StringBuilder out = new StringBuilder();
      int last = 0;
      while (m.find()) {
        out.append(text, last, m.start());
        Object v = evaluate(m.group(1), scope);
        try {
          out.append(GoValues.render(v, MAX_RENDERED - out.length()));
        } catch (LimitException e) {
          throw new ExpressionException("error evaluating expression: " + quote(m.group(1))
              + ": the rendered text would be longer than " + MAX_RENDERED + " characters (limit expression.rendered)");
        }
        last = m.end();
      }
      out.append(text, last, text.length());
      return out.toString();
    } finally {
      Budget.close(budget);
    }
  }

  private JexlExpression compile(String expression) throws ExpressionException {
    if (expression == null || expression.isBlank()) throw new ExpressionException("error compiling expression: empty expression");
    if (expression.length() > MAX_EXPRESSION_LENGTH) {
      throw new ExpressionException("error compiling expression: " + quote(expression) + ": longer than "
          + MAX_EXPRESSION_LENGTH + " characters (limit expression.length)");
    }
    if (nesting(expression) > MAX_NESTING) {
      throw new ExpressionException("error compiling expression: " + quote(expression) + ": nested deeper than "
          + MAX_NESTING + " levels (limit expression.nesting)");
    }
    if (expression.indexOf('`') >= 0 && (expression.contains("${") || expression.contains("#{"))) {
      // JEXL's `...${x}...` builds its text outside the arithmetic, so no limit would see it; expr-lang's
      // backtick strings are raw (no interpolation) anyway.
      throw new ExpressionException("error compiling expression: " + quote(expression)
          + ": interpolation in backtick strings (${...}) is not supported; use + to join strings");
    }
    try {
      return engine.createExpression(new JexlInfo("expression", 1, 1), rewrite(expression));
    } catch (JexlException e) {
      throw new ExpressionException("error compiling expression: " + quote(expression) + ": " + clean(e));
    } catch (StackOverflowError e) {
      throw new ExpressionException("error compiling expression: " + quote(expression) + ": too complex");
    }
  }

  /** {@code int(} and {@code float(} are Java keywords, so their functions have other names. */
  static String rewrite(String expression) {
    if (!expression.contains("int") && !expression.contains("float")) return expression;
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < expression.length()) {
      char c = expression.charAt(i);
      if (c == '\'' || c == '"') {
        int end = i + 1;
        while (end < expression.length() && expression.charAt(end) != c) {
          if (expression.charAt(end) == '\\') end++;
          end++;
        }
        end = Math.min(end + 1, expression.length());
        out.append(expression, i, end);
        i = end;
      } else {
        int next = i;
        while (next < expression.length() && expression.charAt(next) != '\'' && expression.charAt(next) != '"') next++;
        String code = expression.substring(i, next);
        Matcher m = KEYWORD_FUNCTIONS.matcher(code);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
          boolean member = m.start() > 0 && code.charAt(m.start() - 1) == '.';
          m.appendReplacement(sb, member ? m.group() : (m.group(1).equals("int") ? "toInt(" : "toFloat("));
        }
        m.appendTail(sb);
        out.append(sb);
        i = next;
      }
    }
    return out.toString();
  }

  private static int nesting(String s) {
    int depth = 0;
    int max = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[' || c == '{') max = Math.max(max, ++depth);
      else if (c == ')' || c == ']' || c == '}') depth--;
    }
    return max;
  }

  private static String clean(JexlException e) {
    Throwable cause = e.getCause();
    if (cause != null && !(cause instanceof JexlException) && cause.getMessage() != null) return cause.getMessage();
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return LOCATION.matcher(msg).replaceFirst("").trim();
  }

  private static String describe(Throwable e) {
    if (e instanceof StackOverflowError) return "too complex";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Deny by default: expressions may read maps and lists by key or index and call the functions
   * in {@link TorkFunctions}; no other class, constructor, field or method is reachable.
   */
  static final class SandboxPermissions implements JexlPermissions {
    @Override
    public boolean allow(Package pack) {
      return true;
    }

    @Override
    public boolean allow(Class<?> clazz) {
      return clazz == TorkFunctions.class || Map.class.isAssignableFrom(clazz) || List.class.isAssignableFrom(clazz);
    }

    @Override
    public boolean allow(Constructor<?> ctor) {
      return false;
    }

    @Override
    public boolean allow(Method method) {
      Class<?> owner = method.getDeclaringClass();
      if (owner == TorkFunctions.class) return true;
      return method.getName().equals("get") && method.getParameterCount() == 1
          && (Map.class.isAssignableFrom(owner) || List.class.isAssignableFrom(owner));
    }

    @Override
    public boolean allow(Field field) {
      return false;
    }

    @Override
    public JexlPermissions compose(String... src) {
      return this;
    }
  }
}
