package dev.gated.cpu;

/** Whether the float32 Vector API kernels can run: jdk.incubator.vector is in the boot layer and not disabled. */
final class CpuKernels {
    private static final System.Logger LOG = System.getLogger(CpuKernels.class.getName());
    static final boolean VECTOR = vectorModulePresent() && !"false".equals(System.getProperty("gated.cpu.vector"));

    private CpuKernels() {
    }

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
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
