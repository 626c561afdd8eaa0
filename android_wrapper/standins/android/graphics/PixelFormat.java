package android.graphics;

// Compile-only stand-in (packager tests; never shipped), with the Android SDK's values.
public class PixelFormat {
    public static final int UNKNOWN = 0;
    public static final int RGBA_8888 = 1;
    public static final int RGBX_8888 = 2;
    public static final int RGB_888 = 3;
}
