package android.media;

import java.nio.ByteBuffer;

// Compile-only stand-in (packager tests; never shipped): the members packager's Android adapters
// use, with the Android SDK's signatures.
public abstract class Image implements AutoCloseable {
    protected Image() {}

    public abstract int getFormat();
    public abstract int getWidth();
    public abstract int getHeight();
    public abstract long getTimestamp();
    public abstract Plane[] getPlanes();
    @Override
    public abstract void close();

    public abstract static class Plane {
        protected Plane() {}

        public abstract int getRowStride();
        public abstract int getPixelStride();
        public abstract ByteBuffer getBuffer();
    }
}
