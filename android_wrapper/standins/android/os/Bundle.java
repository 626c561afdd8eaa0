package android.os;

// Compile-only stand-in (packager tests; never shipped): the members android_wrapper/README.md's
// sample Activity uses, with the Android SDK's signatures. (No member is used.)
public final class Bundle {
    public Bundle() { throw new RuntimeException("Stub!"); }
}
