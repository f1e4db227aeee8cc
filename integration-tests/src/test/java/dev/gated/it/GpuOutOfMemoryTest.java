package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Asking for more device memory than there is gives an error that says how much was asked and how much is free,
 * and suggests a smaller batch; the backend keeps working afterwards and gives back what it held.
 */
@ExtendWith(RequiresUsableGpu.class)
class GpuOutOfMemoryTest {
    /** 8 GB per tensor (float64); a tensor's element count is an int, so the device is filled tensor by tensor. */
    static final int ELEMENTS = 1_000_000_000;
    static final int MAX_TENSORS = 64;

    @Test
    void anImpossibleAllocationSaysWhatWasAskedAndWhatIsFree() {
        try (Backend be = GpuConformanceTest.usableGpuOrSkip(getClass())) {
            long before = GpuMemory.inUse(be);
            List<Tensor> held = new ArrayList<>();
            RuntimeException oom = null;
            try {
                for (int i = 0; i < MAX_TENSORS && oom == null; i++) {
                    try {
                        held.add(be.allocate(DType.FLOAT64, Shape.of(ELEMENTS)));
                    } catch (RuntimeException e) {
                        oom = e;
                    }
                }
            } finally {
                held.forEach(Tensor::close);
            }
            assertNotNull(oom, "no allocation failed after " + MAX_TENSORS + " tensors of 8 GB");
            String msg = String.valueOf(oom.getMessage());
            System.out.println("GpuOutOfMemoryTest: after " + held.size() + " tensors of 8 GB: " + oom);
            String lower = msg.toLowerCase(Locale.ROOT);
            assertTrue(lower.contains("free"), "the message should say how much is free: " + msg);
            assertTrue(lower.contains("smaller batch"), "the message should suggest a smaller batch: " + msg);
            assertTrue(mentionsAskedSize(msg), "the message should say how much was asked (8,000,000,000 bytes): "
                    + msg);
            assertEquals(before, GpuMemory.inUse(be), "memoryInUse() after freeing every tensor");
            try (Tensor t = be.upload(new double[] {1, 2, 3}, Shape.of(3), DType.FLOAT32)) {
                assertEquals(6.0, be.sum(t), "the backend still computes after running out of memory");
            }
        }
    }

    /** 8e9 bytes written as bytes, or in MB/GB (7629.4 MiB, 7.45 GiB, 8000 MB, 8.0 GB), with or without separators. */
    static boolean mentionsAskedSize(String msg) {
        String digits = msg.replaceAll("(?<=\\d)[,_ ](?=\\d{3})", "");
        if (digits.contains("8000000000")) {
            return true;
        }
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMG]i?B)").matcher(digits);
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2);
            double bytes = v * switch (unit) {
                case "KiB" -> 1024.0;
                case "MiB" -> 1024.0 * 1024;
                case "GiB" -> 1024.0 * 1024 * 1024;
                case "KB" -> 1e3;
                case "MB" -> 1e6;
                default -> 1e9;
            };
            if (Math.abs(bytes - 8e9) <= 0.01 * 8e9) {
                return true;
            }
        }
        return false;
    }
}
