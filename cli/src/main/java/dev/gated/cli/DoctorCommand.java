package dev.gated.cli;

import dev.gated.cli.doctor.Doctor;
import dev.gated.cli.doctor.Finding;
import dev.gated.cli.doctor.RunRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gated doctor RUN}: what looks wrong in a run's metrics, with the evidence and the settings to try. */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Read a run's metrics.jsonl, health.jsonl, summary.json and job.yaml and explain in plain "
                + "words what looks wrong (exploding or vanishing gradients, saturated gates, overfitting, a learning "
                + "rate too high or too low), each finding with its evidence and the job settings to try.",
                "Exits 0 whatever it finds; 2 when RUN is not a run folder, 3 when a file in it cannot be read.", ""})
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run folder, e.g. runs/seattle-weather.")
    Path run;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RunRecord record = RunRecord.load(run);
        out.printf("gated doctor: %s (%d epochs, %d health rows)%n", run, record.epochs().size(),
                record.health().size());
        record.notes().forEach(n -> out.println("  note: " + n));
        if (record.epochs().isEmpty() && record.health().isEmpty()) {
            out.println();
            out.println("No epoch has finished yet, so there is nothing to diagnose; run it again when the run has "
                    + "written metrics.jsonl rows.");
            return Gated.OK;
        }
        List<Finding> findings = Doctor.diagnose(record);
        out.println();
        if (findings.isEmpty()) {
            out.println("No problem found.");
            Doctor.healthyEvidence(record).forEach(e -> out.println("  - " + e));
            return Gated.OK;
        }
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            out.printf("%d. %s%n", i + 1, f.problem());
            f.evidence().forEach(e -> out.println("   evidence: " + e));
            f.settings().forEach(s -> out.println("   try:      " + s));
            out.println();
        }
        out.println("Settings go in the job file or on the command line: gated train JOB --set section.key=value");
        return Gated.OK;
    }
}
