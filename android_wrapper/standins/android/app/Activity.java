package android.app;

import android.os.Bundle;
import android.view.ContextThemeWrapper;

// Compile-only stand-in (packager tests; never shipped): the members android_wrapper/README.md's
// sample Activity uses, with the Android SDK's signatures.
public class Activity extends ContextThemeWrapper {
    public Activity() { throw new RuntimeException("Stub!"); }

    protected void onCreate(Bundle savedInstanceState) { throw new RuntimeException("Stub!"); }
    protected void onDestroy() { throw new RuntimeException("Stub!"); }
}
