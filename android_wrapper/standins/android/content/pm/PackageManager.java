package android.content.pm;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the Android SDK's signatures.
public abstract class PackageManager {
    public static final int PERMISSION_GRANTED = 0;
    public static final int PERMISSION_DENIED = -1;
}
