package android.os;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the Android SDK's signatures. (No member is used.)
public final class Bundle {
    public Bundle() { throw new RuntimeException("Stub!"); }
}
