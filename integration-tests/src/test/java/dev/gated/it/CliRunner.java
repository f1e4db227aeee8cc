package dev.gated.it;

import dev.gated.cli.Gated;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code gated} command in-process with captured output. */
final class CliRunner {
    private CliRunner() {
    }

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gated.run(new PrintWriter(out), new PrintWriter(err), args);
        Result r = new Result(code, out.toString(), err.toString());
        System.out.println("$ gated " + String.join(" ", args) + "\n" + r);
        return r;
    }
}
