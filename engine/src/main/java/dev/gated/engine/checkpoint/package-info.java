/**
 * Training checkpoints: {@link dev.gated.engine.checkpoint.Checkpoint} (the value),
 * {@link dev.gated.engine.checkpoint.CheckpointFiles} (one file) and
 * {@link dev.gated.engine.checkpoint.CheckpointStore} (a run's {@code checkpoints/} directory).
 *
 * <h2>File format, version 1</h2>
 *
 * A checkpoint is one <a href="https://github.com/huggingface/safetensors">safetensors</a> file (never Java
 * serialization or pickle), written atomically: temporary file in the same directory, fsync, rename.
 *
 * <p><b>Tensors</b>, in this order:
 * <ol>
 *   <li>the model's tensors under their PyTorch-compatible names ({@code rnn.weight_ih_l0}, ...,
 *       {@code head.weight}, {@code head.bias}), so that the file can also be opened as a weights file;</li>
 *   <li>the optimizer's state tensors, each named {@code optimizer.} + its name (e.g.
 *       {@code optimizer.exp_avg.rnn.weight_ih_l0}). Model tensor names never start with {@code optimizer.}.</li>
 * </ol>
 * Any safetensors dtype Gated reads (F32, F64, I32, I64) may be used.
 *
 * <p><b>{@code __metadata__}</b> (all values are strings, as safetensors requires):
 * <table>
 *   <caption>metadata keys</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code format}</td><td>always {@code gated-checkpoint}; a file without it is not a checkpoint</td></tr>
 *   <tr><td>{@code format_version}</td><td>{@code 1}; readers reject any other version</td></tr>
 *   <tr><td>{@code checksum}</td><td>SHA-256 of the tensors, 64 lower-case hex digits (below)</td></tr>
 *   <tr><td>{@code step}</td><td>optimizer steps done in the run, a decimal integer {@code >= 0}</td></tr>
 *   <tr><td>{@code epoch}</td><td>the current epoch, a decimal integer in [0, 2<sup>31</sup>)</td></tr>
 *   <tr><td>{@code batch_in_epoch}</td><td>batches of that epoch already consumed, a decimal integer {@code >= 0}</td></tr>
 *   <tr><td>{@code rng_state}</td><td>the random generator state: comma-separated signed 64-bit decimal integers,
 *       no spaces; empty for none</td></tr>
 *   <tr><td>{@code optimizer}</td><td>the optimizer's name, e.g. {@code sgd}, {@code adam}; non-blank</td></tr>
 *   <tr><td>{@code optimizer_step}</td><td>the optimizer's own step count, a decimal integer {@code >= 0}</td></tr>
 *   <tr><td>{@code learning_rate}</td><td>the learning rate in effect, as Java's {@code Double.toString} writes it
 *       (so it reads back exactly); finite, {@code >= 0}</td></tr>
 *   <tr><td>{@code config}</td><td>the resolved job configuration, YAML text (may be empty)</td></tr>
 *   <tr><td>{@code metric.NAME}</td><td>free-form metric {@code NAME}, e.g. {@code metric.val_loss} =
 *       {@code 0.0123}; any number of these</td></tr>
 * </table>
 * Readers ignore other metadata keys.
 *
 * <p><b>Checksum.</b> SHA-256 over the tensors in file order; for each tensor, with every number an 8-byte
 * little-endian integer: the byte length of its UTF-8 name and the name; the byte length of its dtype string
 * ({@code F32}, ...) and the string; its rank and each dimension; the byte length of its data and the raw
 * little-endian data exactly as stored. It covers the tensors, not the metadata (whose fields are validated one by
 * one instead); a flipped bit in any tensor's data, a renamed tensor, or a changed dtype or shape is detected.
 *
 * <h2>Reading</h2>
 *
 * {@link dev.gated.engine.checkpoint.CheckpointFiles#read} verifies, in this order, that the file is a complete,
 * valid safetensors file (a truncated file fails here), that {@code format} and {@code format_version} are right,
 * that the checksum matches, and that every field above is present and valid; otherwise it throws
 * {@link dev.gated.engine.checkpoint.CheckpointException} naming the file and what is wrong.
 * {@link dev.gated.engine.checkpoint.CheckpointFiles#verifyCompatible} then checks the model tensors against the
 * names and shapes a model expects.
 *
 * <h2>Directory layout</h2>
 *
 * See {@link dev.gated.engine.checkpoint.CheckpointStore}: {@code step-NNNNNNNNN.safetensors} (the newest few kept),
 * {@code last.safetensors} and {@code best.safetensors}.
 */
package dev.gated.engine.checkpoint;
