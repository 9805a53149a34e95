package org.callguard.app

import android.os.Looper
import org.callguard.app.engine.Background
import org.robolectric.Shadows.shadowOf

/** Lets the screens' off-main-thread engine calls finish and their results reach the
 *  views: the real executor runs them; the main looper then runs what they posted. A
 *  result may start another call, so a few rounds. */
fun settle() {
    repeat(3) {
        Background.awaitScreens()
        shadowOf(Looper.getMainLooper()).idle()
    }
}
