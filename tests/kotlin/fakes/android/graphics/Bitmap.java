package android.graphics;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only adapters
// (ImageAdapters.kt) on a JVM in place of the compile-only stand-in of the same name. Same
// signatures as the stand-in: an opaque ARGB_8888 bitmap over an int array, or one whose
// getPixels refuses with IllegalArgumentException, as Android's does for a rectangle or stride
// it cannot serve.
public class Bitmap {
    public enum Config { ALPHA_8, RGB_565, @Deprecated ARGB_4444, ARGB_8888, RGBA_F16, HARDWARE, RGBA_1010102 }

    private final int width;
    private final int height;
    private final int[] argb;
    private final String refusal;

    private Bitmap(int width, int height, int[] argb, String refusal) {
        this.width = width;
        this.height = height;
        this.argb = argb;
        this.refusal = refusal;
    }

    /** An opaque bitmap of [argb] (row-major, width · height). */
    public static Bitmap of(int width, int height, int[] argb) { return new Bitmap(width, height, argb, null); }

    /** A bitmap whose getPixels throws IllegalArgumentException([refusal]). */
    public static Bitmap unreadable(int width, int height, String refusal) {
        return new Bitmap(width, height, new int[0], refusal);
    }

    public final int getWidth() { return width; }
    public final int getHeight() { return height; }
    public final Config getConfig() { return Config.ARGB_8888; }
    public final boolean hasAlpha() { return false; }
    public Bitmap copy(Config config, boolean isMutable) { return this; }

    public void getPixels(int[] pixels, int offset, int stride, int x, int y, int width, int height) {
        if (refusal != null) throw new IllegalArgumentException(refusal);
        for (int row = 0; row < height; row++) {
            System.arraycopy(argb, (y + row) * this.width + x, pixels, offset + row * stride, width);
        }
    }
}
