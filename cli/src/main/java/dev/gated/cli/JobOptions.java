package dev.gated.cli;

import dev.gated.engine.backend.DeviceMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Options that change a job file's settings, shared by the commands that read one. */
final class JobOptions {
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a job-file setting, e.g. --set training.epochs=5 (repeatable).")
    List<String> set = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "Same as --set training.seed=N.")
    Long seed;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu",
            description = "Same as --set training.device=...: auto (GPU when usable, else CPU), cpu or gpu.")
    DeviceMode device;

    /** The overrides in the order they apply: --set first, then --seed and --device. */
    List<String> overrides() {
        List<String> out = new ArrayList<>(set);
        if (seed != null) {
            out.add("training.seed=" + seed);
        }
        if (device != null) {
            out.add("training.device=" + device.name().toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
