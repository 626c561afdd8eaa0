package android.graphics;

// Compile-only stand-in (packager tests; never shipped), with the Android SDK's signatures.
public final class Rect {
    public int left;
    public int top;
    public int right;
    public int bottom;
}
