package org.callguard.app.engine

import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.ScheduledExecutorService

/** The threads that ask the engine, so that no decision runs on the main thread. */
object Background {
    /** Runs engine calls (daemon threads: they never keep the process alive). */
    val worker: ExecutorService = Executors.newCachedThreadPool { r -> Thread(r, "callguard-engine").apply { isDaemon = true } }

    /** Fires the deadline budgets. */
    val timer: ScheduledExecutorService =
        Executors.newSingleThreadScheduledExecutor { r -> Thread(r, "callguard-deadline").apply { isDaemon = true } }
}
