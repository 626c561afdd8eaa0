package android.view;

import android.content.Context;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the Android SDK's signatures.
public class View {
    public View(Context context) { throw new RuntimeException("Stub!"); }
}
