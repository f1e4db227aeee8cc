package dev.gated.engine.io;

/** Element types a tensor file may hold: little-endian IEEE floats and two's-complement integers. */
public enum ElementType {
    F32(4, "F32", "<f4"),
    F64(8, "F64", "<f8"),
    I32(4, "I32", "<i4"),
    I64(8, "I64", "<i8");

    private final int bytes;
    private final String safetensorsName;
    private final String npyDescr;

    ElementType(int bytes, String safetensorsName, String npyDescr) {
        this.bytes = bytes;
        this.safetensorsName = safetensorsName;
        this.npyDescr = npyDescr;
    }

    public int bytes() {
        return bytes;
    }

    /** The safetensors {@code dtype} string, e.g. {@code "F32"}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** The numpy {@code descr} string, e.g. {@code "<f4"}. */
    public String npyDescr() {
        return npyDescr;
    }

    public boolean isFloating() {
        return this == F32 || this == F64;
    }

    static ElementType fromSafetensors(String name) {
        for (ElementType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    static ElementType fromNpy(String descr) {
        for (ElementType t : values()) {
            if (t.npyDescr.equals(descr)) {
                return t;
            }
        }
        return null;
    }
}
