package dev.gated.engine.export;

import org.junit.jupiter.api.Assumptions;

/**
 * Whether ONNX Runtime's Java API is on the class path (engine's tests have it; the GPU bundle leaves its large jar
 * out, see gpu/prepare.sh). Kept apart from {@link Ort} so that checking never loads an ONNX Runtime class.
 */
public final class OrtAvailable {
    private OrtAvailable() {
    }

    public static void assume() {
        boolean present;
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, OrtAvailable.class.getClassLoader());
            present = true;
        } catch (ClassNotFoundException | LinkageError e) {
            present = false;
        }
        Assumptions.assumeTrue(present, "skipped: ONNX Runtime (com.microsoft.onnxruntime:onnxruntime, test scope of "
                + "engine) is not on the class path; the GPU bundle leaves it out on purpose");
    }
}
