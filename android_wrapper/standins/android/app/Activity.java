package android.app;

import android.os.Bundle;
import android.view.ContextThemeWrapper;
import android.view.View;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the Android SDK's signatures.
public class Activity extends ContextThemeWrapper {
    public Activity() { throw new RuntimeException("Stub!"); }

    protected void onCreate(Bundle savedInstanceState) { throw new RuntimeException("Stub!"); }
    protected void onDestroy() { throw new RuntimeException("Stub!"); }
    public void setContentView(View view) { throw new RuntimeException("Stub!"); }
    public final void runOnUiThread(Runnable action) { throw new RuntimeException("Stub!"); }
}
