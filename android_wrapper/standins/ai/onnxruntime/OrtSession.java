package ai.onnxruntime;

import ai.onnxruntime.providers.NNAPIFlags;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

// Compile-only stand-in (packager tests; never shipped): the members packager uses, with
// com.microsoft.onnxruntime:onnxruntime-android's (ai.onnxruntime Java API) signatures.
public class OrtSession implements AutoCloseable {
    OrtSession() {}

    public Map<String, NodeInfo> getInputInfo() throws OrtException { throw new RuntimeException("Stub!"); }
    public Map<String, NodeInfo> getOutputInfo() throws OrtException { throw new RuntimeException("Stub!"); }
    public Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        throw new RuntimeException("Stub!");
    }
    // Since onnxruntime 1.16: the outputs are written into the given tensors, which the Result does not own.
    public Result run(Map<String, ? extends OnnxTensorLike> inputs, Map<String, ? extends OnnxValue> pinnedOutputs)
            throws OrtException {
        throw new RuntimeException("Stub!");
    }
    @Override
    public void close() throws OrtException { throw new RuntimeException("Stub!"); }

    public static class SessionOptions implements AutoCloseable {
        public SessionOptions() {}

        public enum OptLevel { NO_OPT, BASIC_OPT, EXTENDED_OPT, LAYOUT_OPT, ALL_OPT }

        public void setIntraOpNumThreads(int numThreads) throws OrtException { throw new RuntimeException("Stub!"); }
        public void setOptimizationLevel(OptLevel level) throws OrtException { throw new RuntimeException("Stub!"); }
        public void addNnapi(EnumSet<NNAPIFlags> flags) throws OrtException { throw new RuntimeException("Stub!"); }
        public void addXnnpack(Map<String, String> providerOptions) throws OrtException { throw new RuntimeException("Stub!"); }
        public void addConfigEntry(String configKey, String configValue) throws OrtException {
            throw new RuntimeException("Stub!");
        }
        @Override
        public void close() { throw new RuntimeException("Stub!"); }
    }

    public static class Result implements AutoCloseable, Iterable<Map.Entry<String, OnnxValue>> {
        Result() {}

        public OnnxValue get(int index) { throw new RuntimeException("Stub!"); }
        public Optional<OnnxValue> get(String key) { throw new RuntimeException("Stub!"); }
        public int size() { throw new RuntimeException("Stub!"); }
        @Override
        public Iterator<Map.Entry<String, OnnxValue>> iterator() { throw new RuntimeException("Stub!"); }
        @Override
        public void close() { throw new RuntimeException("Stub!"); }
    }
}
