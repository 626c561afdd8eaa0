package ai.onnxruntime;

import java.nio.FloatBuffer;

// Compile-only stand-in (packager tests; never shipped): the members packager uses, with
// com.microsoft.onnxruntime:onnxruntime-android's (ai.onnxruntime Java API) signatures.
public class OnnxTensor extends OnnxTensorLike {
    OnnxTensor() {}

    public static OnnxTensor createTensor(OrtEnvironment env, FloatBuffer data, long[] shape) throws OrtException {
        throw new RuntimeException("Stub!");
    }
    public FloatBuffer getFloatBuffer() { throw new RuntimeException("Stub!"); }
    @Override
    public Object getValue() throws OrtException { throw new RuntimeException("Stub!"); }
    @Override
    public void close() { throw new RuntimeException("Stub!"); }
}
