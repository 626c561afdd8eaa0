package android.widget;

import android.content.Context;
import android.view.View;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the Android SDK's signatures.
public class TextView extends View {
    public TextView(Context context) { super(context); throw new RuntimeException("Stub!"); }

    public final void setText(CharSequence text) { throw new RuntimeException("Stub!"); }
}
