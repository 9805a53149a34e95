package org.callguard.app.engine

import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit

/** The threads that ask the engine, so that no decision runs on the main thread. */
object Background {
    /** Runs engine calls (daemon threads: they never keep the process alive). */
    val worker: ExecutorService = Executors.newCachedThreadPool { r -> Thread(r, "callguard-engine").apply { isDaemon = true } }

    /** Runs the screens' and the tile's engine calls (opening the engine, which installs
     *  the bundled list the first time; `status()`, which checksums the list in full), so
     *  that none of them runs on the main thread. One thread: a screen's calls run in
     *  the order it made them. */
    val screens: ExecutorService = Executors.newSingleThreadExecutor { r -> Thread(r, "callguard-screens").apply { isDaemon = true } }

    /** Waits until every call handed to [screens] so far has run (tests; at most 10 s). */
    fun awaitScreens() {
        screens.submit {}.get(10, TimeUnit.SECONDS)
    }

    /** Fires the deadline budgets. */
    val timer: ScheduledExecutorService =
        Executors.newSingleThreadScheduledExecutor { r -> Thread(r, "callguard-deadline").apply { isDaemon = true } }
}
