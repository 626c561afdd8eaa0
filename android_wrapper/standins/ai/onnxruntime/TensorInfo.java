package ai.onnxruntime;

// Compile-only stand-in (packager tests; never shipped): the members packager uses, with
// com.microsoft.onnxruntime:onnxruntime-android's (ai.onnxruntime Java API) signatures.
public class TensorInfo implements ValueInfo {
    public final OnnxJavaType type;

    TensorInfo() { throw new RuntimeException("Stub!"); }

    public long[] getShape() { throw new RuntimeException("Stub!"); }
}
