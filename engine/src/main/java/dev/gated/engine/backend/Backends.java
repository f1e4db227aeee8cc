package dev.gated.engine.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds backends with {@link ServiceLoader} and picks one for a {@link DeviceMode}, saying why. */
public final class Backends {
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private Backends() {
    }

    /** The chosen backend and the reason, e.g. "auto: cuda unusable (no libcudnn), using cpu". */
    public record Selection(Backend backend, String reason) {
    }

    /** A provider and what its probe found. */
    public record Probe(BackendProvider provider, BackendProvider.Availability availability) {
        @Override
        public String toString() {
            return provider.name() + " (" + provider.kind().name().toLowerCase() + "): "
                    + (availability.usable() ? "usable" : "unusable") + " - " + availability.detail();
        }
    }

    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    public static List<Probe> probeAll() {
        List<Probe> probes = new ArrayList<>();
        for (BackendProvider p : providers()) {
            BackendProvider.Availability a;
            try {
                a = p.probe();
            } catch (RuntimeException | LinkageError e) {
                a = BackendProvider.Availability.no("probe failed: " + e);
            }
            probes.add(new Probe(p, a));
        }
        return probes;
    }

    public static Selection select(DeviceMode mode) {
        return select(mode, Precision.FP32);
    }

    /** Like {@link #select(DeviceMode)}, creating the backend at {@code precision} (FP32 where it has no other). */
    public static Selection select(DeviceMode mode, Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision: required (fp32 or tf32), got null");
        }
        return select(mode, precision, probeAll());
    }

    static Selection select(DeviceMode mode, List<Probe> probes) {
        return select(mode, Precision.FP32, probes);
    }

    static Selection select(DeviceMode mode, Precision precision, List<Probe> probes) {
        Selection s = choose(mode, precision, probes);
        LOG.log(System.Logger.Level.INFO, "backend {0} selected: {1}", s.backend().name(), s.reason());
        return s;
    }

    private static Selection choose(DeviceMode mode, Precision precision, List<Probe> probes) {
        String seen = probes.isEmpty() ? "no backend modules on the class path"
                : probes.stream().map(Probe::toString).collect(Collectors.joining("; "));
        List<Probe> wanted = probes.stream()
                .filter(p -> mode == DeviceMode.AUTO || p.provider().kind().name().equals(mode.name()))
                .toList();
        for (Probe p : wanted) {
            if (p.availability().usable()) {
                String why = mode == DeviceMode.AUTO && p.provider().kind() == BackendProvider.Kind.CPU
                        ? "device=auto and no usable GPU backend (" + seen + ")"
                        : "device=" + mode + ", " + p.availability().detail();
                if (precision != Precision.FP32 && !p.provider().supports(precision)) {
                    why += "; precision=" + precision + " is not available on " + p.provider().name()
                            + ", computing fp32";
                }
                return new Selection(p.provider().create(precision), why);
            }
        }
        throw new BackendUnavailableException("device=" + mode + ": no usable "
                + (mode == DeviceMode.AUTO ? "" : mode + " ") + "backend. Found: " + seen
                + (mode == DeviceMode.GPU ? ". Use --device cpu (or auto) to train on the CPU." : ""));
    }
}
