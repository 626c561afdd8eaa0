package android.content.res;

import java.io.IOException;
import java.io.InputStream;

// Compile-only stand-in (packager tests; never shipped), with the Android SDK's signatures.
public final class AssetManager implements AutoCloseable {
    public InputStream open(String fileName) throws IOException { throw new RuntimeException("Stub!"); }
    @Override
    public void close() { throw new RuntimeException("Stub!"); }
}
