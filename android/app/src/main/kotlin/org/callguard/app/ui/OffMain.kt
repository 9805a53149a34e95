package org.callguard.app.ui

import android.app.Activity
import android.os.Handler
import android.os.Looper
import org.callguard.app.engine.Background

/** Runs [work] on [Background.screens] and hands its result to [then] on the main thread,
 *  unless the screen has gone meanwhile: engine calls never block the main thread. */
fun <T> Activity.offMain(work: () -> T, then: (T) -> Unit) {
    Background.screens.execute {
        val result = work()
        runOnUiThread { if (!isFinishing && !isDestroyed) then(result) }
    }
}

/** Runs [work] on [Background.screens] and [then] on the main thread (for services). */
fun <T> offMainThen(work: () -> T, then: (T) -> Unit) {
    Background.screens.execute {
        val result = work()
        Handler(Looper.getMainLooper()).post { then(result) }
    }
}
