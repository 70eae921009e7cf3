/**
 * How long text is shown: {@link io.jtork.text.Shown#cut} is the one way errors and responses
 * quote an expression, a body or a message that may be long.
 */
package io.jtork.text;
