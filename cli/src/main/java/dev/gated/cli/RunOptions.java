package dev.gated.cli;

import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.train.TrainedRun;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The run, the weights and the device of the commands that use a trained model. */
final class RunOptions {
    @Parameters(index = "0", paramLabel = "RUN|JOB",
            description = "A run folder (e.g. runs/co2) or the job file that trained it.")
    Path run;

    @Option(names = "--checkpoint", paramLabel = "best|last|model|FILE",
            description = "Which weights: the best or last checkpoint, model.safetensors, or a file "
                    + "(default: model.safetensors, i.e. the best weights).")
    String checkpoint;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu", description = "Where to run (default: the job's device).")
    DeviceMode device;

    TrainedRun open() {
        return TrainedRun.open(run);
    }

    Backends.Selection backend(TrainedRun r) {
        return Backends.select(device != null ? device : r.config().training().device(), r.config().training().precision());
    }
}
