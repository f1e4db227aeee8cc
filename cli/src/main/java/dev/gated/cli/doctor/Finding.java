package dev.gated.cli.doctor;

import java.util.List;

/**
 * One thing {@code gated doctor} found: the problem in plain words, the numbers that show it, and the job-file
 * settings to try ({@code section.key: value}, ready for the job file or {@code --set}).
 */
public record Finding(String problem, List<String> evidence, List<String> settings) {
    public Finding {
        evidence = List.copyOf(evidence);
        settings = List.copyOf(settings);
    }
}
