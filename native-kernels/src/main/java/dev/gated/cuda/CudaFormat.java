package dev.gated.cuda;

import java.util.Locale;

/** Human-readable sizes and versions for messages and descriptions. */
final class CudaFormat {
    private CudaFormat() {
    }

    /** 1536 -> "1.5 KiB", 80 GiB -> "80.0 GiB". */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A CUDA driver version (e.g. 13000) as "13.0". */
    static String driverVersion(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    /** A cuBLAS version (e.g. 130100: major*10000 + minor*100 + patch) as "13.1.0". */
    static String cublasVersion(int v) {
        return (v / 10000) + "." + (v % 10000) / 100 + "." + v % 100;
    }

    /** A cuDNN 9 version (e.g. 90300: major*10000 + minor*100 + patch) as "9.3.0". */
    static String cudnnVersion(long v) {
        return (v / 10000) + "." + (v % 10000) / 100 + "." + v % 100;
    }
}
