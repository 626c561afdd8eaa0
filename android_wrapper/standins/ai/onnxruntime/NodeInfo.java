package ai.onnxruntime;

// Compile-only stand-in (packager tests; never shipped): the members packager uses, with
// com.microsoft.onnxruntime:onnxruntime-android's (ai.onnxruntime Java API) signatures.
public class NodeInfo {
    public NodeInfo(String name, ValueInfo info) { throw new RuntimeException("Stub!"); }

    public String getName() { throw new RuntimeException("Stub!"); }
    public ValueInfo getInfo() { throw new RuntimeException("Stub!"); }
}
