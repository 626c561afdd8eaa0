package android.graphics;

// Compile-only stand-in (packager tests; never shipped), with the Android SDK's values.
public class ImageFormat {
    public static final int UNKNOWN = 0;
    public static final int NV21 = 0x11;
    public static final int YUV_420_888 = 0x23;
    public static final int JPEG = 0x100;
}
