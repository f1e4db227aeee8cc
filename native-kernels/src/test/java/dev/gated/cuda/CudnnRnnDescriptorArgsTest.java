package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gated.engine.backend.DType;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import org.junit.jupiter.api.Test;

/** The RnnSpec -> cudnnSetRNNDescriptor_v8 mapping, checked against cuDNN's documented enum values. */
class CudnnRnnDescriptorArgsTest {
    @Test
    void float32LstmIsExactFp32WithPytorchsChoices() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 7, 5, 2, false, DType.FLOAT32);
        CudnnRnnDescriptorArgs a = CudnnRnnDescriptorArgs.of(spec, false);
        assertEquals(0, a.algo(), "CUDNN_RNN_ALGO_STANDARD");
        assertEquals(2, a.cellMode(), "CUDNN_LSTM");
        assertEquals(2, a.biasMode(), "CUDNN_RNN_DOUBLE_BIAS: b_ih and b_hh as in PyTorch");
        assertEquals(0, a.dirMode(), "CUDNN_UNIDIRECTIONAL");
        assertEquals(0, a.inputMode(), "CUDNN_LINEAR_INPUT");
        assertEquals(0, a.dataType(), "CUDNN_DATA_FLOAT");
        assertEquals(0, a.mathPrec(), "CUDNN_DATA_FLOAT");
        assertEquals(3, a.mathType(), "CUDNN_FMA_MATH forbids TF32");
        assertEquals(7, a.inputSize());
        assertEquals(5, a.hiddenSize());
        assertEquals(5, a.projSize(), "no projection: projSize = hiddenSize");
        assertEquals(2, a.numLayers());
        assertEquals(1, a.auxFlags(), "CUDNN_RNN_PADDED_IO_ENABLED for variable lengths in the unpacked layout");
    }

    @Test
    void gruBidirectionalTf32UsesDefaultMath() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 3, 4, 1, true, DType.FLOAT32);
        CudnnRnnDescriptorArgs a = CudnnRnnDescriptorArgs.of(spec, true);
        assertEquals(3, a.cellMode(), "CUDNN_GRU");
        assertEquals(1, a.dirMode(), "CUDNN_BIDIRECTIONAL");
        assertEquals(0, a.mathType(), "CUDNN_DEFAULT_MATH may use TF32 tensor cores");
    }

    @Test
    void float64IsDoubleWithDefaultMathWhateverThePrecision() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 3, 4, 1, false, DType.FLOAT64);
        for (boolean tf32 : new boolean[] {false, true}) {
            CudnnRnnDescriptorArgs a = CudnnRnnDescriptorArgs.of(spec, tf32);
            assertEquals(1, a.dataType(), "CUDNN_DATA_DOUBLE");
            assertEquals(1, a.mathPrec(), "CUDNN_DATA_DOUBLE");
            assertEquals(0, a.mathType(), "CUDNN_DEFAULT_MATH");
        }
    }

    @Test
    void stateTensorsArePackedLdBH() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 3, 4, 3, true, DType.FLOAT32);
        assertArrayEquals(new int[] {6, 9, 4}, CudnnRnnDescriptorArgs.stateDims(spec, 9));
        assertArrayEquals(new int[] {36, 4, 1}, CudnnRnnDescriptorArgs.stateStrides(spec, 9));
        assertEquals(spec.stateShape(9).numel(), 6 * 9 * 4);
    }
}
