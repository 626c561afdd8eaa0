package android.graphics;

// Compile-only stand-in (packager tests; never shipped): the members packager's Android adapters
// use, with the Android SDK's signatures.
public final class Bitmap {
    public enum Config { ALPHA_8, RGB_565, @Deprecated ARGB_4444, ARGB_8888, RGBA_F16, HARDWARE, RGBA_1010102 }

    public final int getWidth() { throw new RuntimeException("Stub!"); }
    public final int getHeight() { throw new RuntimeException("Stub!"); }
    public final Config getConfig() { throw new RuntimeException("Stub!"); }
    public final boolean hasAlpha() { throw new RuntimeException("Stub!"); }
    public Bitmap copy(Config config, boolean isMutable) { throw new RuntimeException("Stub!"); }
    public void getPixels(int[] pixels, int offset, int stride, int x, int y, int width, int height) {
        throw new RuntimeException("Stub!");
    }
}
