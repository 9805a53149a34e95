package org.callguard.app.ui

import android.app.Activity
import android.os.Handler
import android.os.Looper
import org.callguard.app.engine.Background

/** Runs [work] on [Background.screens] and [then] with its result on the main thread:
 *  engine calls never block the main thread (services use this directly). */
fun <T> offMainThen(work: () -> T, then: (T) -> Unit) {
    Background.screens.execute {
        val result = work()
        Handler(Looper.getMainLooper()).post { then(result) }
    }
}

/** [offMainThen] for a screen: [then] is skipped if the screen has gone meanwhile. */
fun <T> Activity.offMain(work: () -> T, then: (T) -> Unit) =
    offMainThen(work) { result -> if (!isFinishing && !isDestroyed) then(result) }
