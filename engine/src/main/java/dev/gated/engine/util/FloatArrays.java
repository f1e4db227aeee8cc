package dev.gated.engine.util;

/** float32 <-> float64 array conversions (rounding to nearest, as a Java cast does), shared by backends and I/O. */
public final class FloatArrays {
    private FloatArrays() {
    }

    /** Each value widened exactly to double. */
    public static double[] toDouble(float[] f) {
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** Each value rounded to the nearest float. */
    public static float[] toFloat(double[] d) {
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }
}
