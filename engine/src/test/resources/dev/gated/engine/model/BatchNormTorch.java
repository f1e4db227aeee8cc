import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import java.util.Locale;

/**
 * Generates batchnorm-torch.json: libtorch's own batch_norm (torch.nn.functional.batch_norm, what
 * torch.nn.BatchNorm1d calls) through DJL's PyTorch engine, in float64, on the valid rows of a batch packed as [N, C].
 * DJL passes 1 - momentum to libtorch ("momentum is defined differently in PyTorch"): DJL 0.9 is PyTorch's 0.1, which
 * the output confirms (running_mean after one step from 0 is 0.1 x the batch mean).
 *
 * Run (offline, with DJL 0.35.1, pytorch-engine, pytorch-jni 2.7.1-0.35.1, pytorch-native-cpu 2.7.1 linux-x86_64 and
 * slf4j on the class path, as ../shared/peers uses them):
 *   java -Dai.djl.offline=true -DPYTORCH_VERSION=2.7.1 -DPYTORCH_FLAVOR=cpu -cp CLASSPATH BatchNormTorch.java > batchnorm-torch.json
 */
public class BatchNormTorch {
    static final int F = 5;

    static double[] x1(int n) {
        double[] v = new double[n * F];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < F; j++) {
                v[r * F + j] = Math.sin(1.3 * r + 0.7 * j) * (1 + 0.5 * j) + 0.2 * j;
            }
        }
        return v;
    }

    static double[] x2(int n) {
        double[] v = new double[n * F];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < F; j++) {
                v[r * F + j] = 2 * Math.cos(0.8 * r + 1.1 * j) - 0.3 * j;
            }
        }
        return v;
    }

    static double[] dout(int n) {
        double[] v = new double[n * F];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < F; j++) {
                v[r * F + j] = Math.cos(0.9 * r - 0.4 * j);
            }
        }
        return v;
    }

    static double[] per(double a, double b) {
        double[] v = new double[F];
        for (int j = 0; j < F; j++) {
            v[j] = a + b * j;
        }
        return v;
    }

    static String json(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.17g", v[i]));
        }
        return sb.append("]").toString();
    }

    public static void main(String[] args) {
        int n1 = 7;
        int n2 = 6;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray w = m.create(per(0.5, 0.25));
            NDArray b = m.create(per(-0.2, 0.1));
            NDArray rm = m.create(per(0.0, 0.05));
            NDArray rv = m.create(per(1.0, 0.1));
            NDArray x = m.create(x1(n1), new Shape(n1, F));
            NDArray g = m.create(dout(n1), new Shape(n1, F));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            double[] out1;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = BatchNorm.batchNorm(x, rm, rv, w, b, 1, 0.9f, 1e-5f, true).singletonOrThrow();
                out1 = out.toDoubleArray();
                gc.backward(out.mul(g).sum());
            }
            double[] dx = x.getGradient().toDoubleArray();
            double[] dw = w.getGradient().toDoubleArray();
            double[] db = b.getGradient().toDoubleArray();
            double[] rm1 = rm.toDoubleArray();
            double[] rv1 = rv.toDoubleArray();
            NDArray xb = m.create(x2(n2), new Shape(n2, F));
            BatchNorm.batchNorm(xb, rm, rv, w.stopGradient(), b.stopGradient(), 1, 0.9f, 1e-5f, true);
            double[] rm2 = rm.toDoubleArray();
            double[] rv2 = rv.toDoubleArray();
            NDArray eval = BatchNorm.batchNorm(m.create(x1(n1), new Shape(n1, F)), rm, rv, w.stopGradient(),
                    b.stopGradient(), 1, 0.9f, 1e-5f, false).singletonOrThrow();
            System.out.println("{");
            System.out.println("  \"source\": \"libtorch " + Engine.getInstance().getVersion()
                    + " batch_norm via DJL, float64; regenerate with BatchNormTorch.java\",");
            System.out.println("  \"dtype\": \"" + x.getDataType() + "\",");
            System.out.println("  \"features\": " + F + ", \"rows1\": " + n1 + ", \"rows2\": " + n2 + ",");
            System.out.println("  \"x1\": " + json(x1(n1)) + ",");
            System.out.println("  \"x2\": " + json(x2(n2)) + ",");
            System.out.println("  \"dout\": " + json(dout(n1)) + ",");
            System.out.println("  \"weight\": " + json(per(0.5, 0.25)) + ",");
            System.out.println("  \"bias\": " + json(per(-0.2, 0.1)) + ",");
            System.out.println("  \"running_mean0\": " + json(per(0.0, 0.05)) + ",");
            System.out.println("  \"running_var0\": " + json(per(1.0, 0.1)) + ",");
            System.out.println("  \"train_out1\": " + json(out1) + ",");
            System.out.println("  \"dx1\": " + json(dx) + ",");
            System.out.println("  \"dweight1\": " + json(dw) + ",");
            System.out.println("  \"dbias1\": " + json(db) + ",");
            System.out.println("  \"running_mean1\": " + json(rm1) + ",");
            System.out.println("  \"running_var1\": " + json(rv1) + ",");
            System.out.println("  \"running_mean2\": " + json(rm2) + ",");
            System.out.println("  \"running_var2\": " + json(rv2) + ",");
            System.out.println("  \"eval_out\": " + json(eval.toDoubleArray()));
            System.out.println("}");
        }
    }
}
