package dev.gated.engine.export;

/** A model the ONNX export cannot express; {@link #option()} names the job option (or part) that prevents it. */
public final class UnsupportedExportException extends IllegalArgumentException {
    private final String option;

    UnsupportedExportException(String option, String why) {
        super("cannot export to ONNX: " + option + ": " + why);
        this.option = option;
    }

    /** The job-file key that prevents the export, with its value: e.g. {@code task.kind: translate}. */
    public String option() {
        return option;
    }
}
