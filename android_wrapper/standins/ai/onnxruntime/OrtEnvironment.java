package ai.onnxruntime;

// Compile-only stand-in (packager tests; never shipped): the members packager uses, with
// com.microsoft.onnxruntime:onnxruntime-android's (ai.onnxruntime Java API) signatures.
public final class OrtEnvironment implements AutoCloseable {
    OrtEnvironment() {}

    public static OrtEnvironment getEnvironment() { throw new RuntimeException("Stub!"); }
    public OrtSession createSession(byte[] modelArray, OrtSession.SessionOptions options) throws OrtException {
        throw new RuntimeException("Stub!");
    }
    @Override
    public void close() { throw new RuntimeException("Stub!"); }
}
