package dev.gated.cli;

import dev.gated.cli.report.html.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gated report RUN}: the run's self-contained HTML report ({@code report.html}). */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Write one self-contained HTML page about a run (report.html in the run folder): the summary, "
                + "the task's own page (forecast against actual and the baselines, confusion matrix and per-class "
                + "metrics, generated text, translations with BLEU), training and validation curves, the learning "
                + "rate, training health, gated doctor's findings, the job file and the environment (versions, "
                + "backend, data files with SHA-256). Images are inline: the page opens offline and fetches "
                + "nothing. gated train writes it at the end of every run.",
                "Exits 0 when written; 2 when RUN is not a run folder.", ""},
        footer = {"", "Examples:", "  gated report runs/seattle-weather",
                "  gated report runs/seattle-weather --output /tmp/seattle.html"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run folder, e.g. runs/seattle-weather.")
    Path run;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the page; default: RUN/report.html.")
    Path output;

    @Override
    public Integer call() throws IOException {
        Path written = RunReport.write(run, output != null ? output : run.resolve(RunReport.FILE));
        spec.commandLine().getOut().println("wrote " + written);
        spec.commandLine().getOut().flush();
        return Gated.OK;
    }
}
