package dev.gated.engine.tune;

/** Where a trial stands in the study journal. */
public enum TrialState {
    /** Claimed by a worker that holds its lease (or held it until it died: then it is picked up again). */
    RUNNING,
    /** Trained to the end; its objective value is known. */
    COMPLETE,
    /** Stopped early by the pruner at an epoch, for a recorded reason. */
    PRUNED,
    /** Could not train (bad parameter combination, diverged, data error); the reason is recorded. */
    FAILED
}
