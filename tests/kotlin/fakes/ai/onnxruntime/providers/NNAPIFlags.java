package ai.onnxruntime.providers;

// Compile-only stand-in (packager tests; never shipped): the members packager uses, with
// com.microsoft.onnxruntime:onnxruntime-android's (ai.onnxruntime Java API) signatures.
public enum NNAPIFlags {
    USE_FP16(1),
    USE_NCHW(2),
    CPU_DISABLED(4),
    CPU_ONLY(8);

    public final int value;

    NNAPIFlags(int value) { this.value = value; }
}
