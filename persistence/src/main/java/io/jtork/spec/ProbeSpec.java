package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An HTTP GET that must answer 200 before the main task starts. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProbeSpec(String path, Integer port, String timeout) {}
