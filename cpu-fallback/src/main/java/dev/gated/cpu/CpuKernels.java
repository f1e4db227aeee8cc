package dev.gated.cpu;

/** Picks the float32 kernels: the Vector API ones when jdk.incubator.vector is in the boot layer. */
final class CpuKernels {
    private static final System.Logger LOG = System.getLogger(CpuKernels.class.getName());
    static final boolean VECTOR = vectorModulePresent() && !"false".equals(System.getProperty("gated.cpu.vector"));

    private CpuKernels() {
    }

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    static F32Kernels f32() {
        return VECTOR ? F32VectorKernels.INSTANCE : F32Kernels.INSTANCE;
    }

    /** One line for logs and `gated info`. */
    static String describe() {
        if (VECTOR) {
            return "Vector API kernels (" + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit)";
        }
        return vectorModulePresent() ? "scalar kernels (Vector API disabled by -Dgated.cpu.vector=false)"
                : "scalar kernels (start Java with --add-modules jdk.incubator.vector for the faster Vector API kernels)";
    }

    static {
        LOG.log(System.Logger.Level.DEBUG, "cpu backend: {0}", describe());
    }
}
