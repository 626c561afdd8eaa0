package ai.onnxruntime;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only glue on a
// JVM in place of the compile-only stand-in of the same name. Same signatures as the stand-in
// (the glue is compiled against the stand-ins); behaviour scripted by the "model" bytes (JSON)
// and recorded in Fake.log.
public class NodeInfo {
    private final String name;
    private final ValueInfo info;

    public NodeInfo(String name, ValueInfo info) {
        this.name = name;
        this.info = info;
    }

    public String getName() { return name; }
    public ValueInfo getInfo() { return info; }
}
