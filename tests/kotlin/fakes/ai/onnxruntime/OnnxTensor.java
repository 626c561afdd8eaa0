package ai.onnxruntime;

import java.nio.FloatBuffer;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only glue on a
// JVM in place of the compile-only stand-in of the same name. Same signatures as the stand-in
// (the glue is compiled against the stand-ins); behaviour scripted by the "model" bytes (JSON)
// and recorded in Fake.log.
public class OnnxTensor extends OnnxTensorLike {
    final FloatBuffer data;
    final long[] shape;
    private boolean closed;

    OnnxTensor(FloatBuffer data, long[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** As the real one: a direct buffer is used in place, another one is copied. */
    public static OnnxTensor createTensor(OrtEnvironment env, FloatBuffer data, long[] shape) throws OrtException {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != data.remaining()) throw new OrtException("shape needs " + n + " values, the buffer has " + data.remaining());
        FloatBuffer used = data;
        if (!data.isDirect()) {
            used = java.nio.ByteBuffer.allocateDirect(4 * data.remaining()).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            used.put(data.duplicate());
            used.rewind();
        }
        Fake.record("createTensor " + java.util.Arrays.toString(shape) + (data.isDirect() ? " direct" : " copied"));
        Fake.openTensors++;
        return new OnnxTensor(used, shape);
    }

    public FloatBuffer getFloatBuffer() {
        FloatBuffer copy = FloatBuffer.allocate(data.capacity());
        copy.put(data.duplicate());
        copy.rewind();
        return copy;
    }

    @Override
    public Object getValue() throws OrtException { throw new OrtException("not used by the glue"); }

    @Override
    public void close() {
        if (closed) throw new IllegalStateException("tensor closed twice");
        closed = true;
        Fake.openTensors--;
    }

    boolean isClosed() { return closed; }
}
