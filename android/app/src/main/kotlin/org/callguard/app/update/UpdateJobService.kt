package org.callguard.app.update

import android.app.job.JobParameters
import android.app.job.JobService
import android.content.Context
import org.callguard.Engine
import org.callguard.app.engine.Background
import org.callguard.app.engine.EngineHolder
import org.callguard.app.notify.Notifier
import org.callguard.app.settings.AppPrefs

/** The update job: off the main thread, never while protection is paused. The first run
 *  opens the engine, which installs the list shipped in the assets; each run checks the
 *  list in use and asks the list site for a newer one. A failure keeps the last verified
 *  list, schedules a retry with back-off, and says so once the list is stale. */
class UpdateJobService : JobService() {
    override fun onStartJob(params: JobParameters): Boolean {
        val app = applicationContext
        Background.worker.execute {
            try {
                run(app)
            } finally {
                jobFinished(params, false)
            }
        }
        return true
    }

    override fun onStopJob(params: JobParameters): Boolean = true

    companion object {
        /** The publisher's site (the same as the iOS app's); tests point it at loopback. */
        @Volatile
        var listSite: String = "https://lists.callguard.org/"

        /** One run; returns whether it updated (false while paused, on failure or without engine). */
        fun run(context: Context): Boolean {
            val engine: Engine = EngineHolder.orNull(context) ?: return false
            val prefs = AppPrefs(context)
            return try {
                if (engine.status().paused) return false
                engine.verifyLists()
                engine.update(listSite)
                prefs.updateFailures = 0
                UpdateScheduler.cancelRetry(context)
                UpdateScheduler.schedulePeriodic(context, listStale = false)
                true
            } catch (e: Exception) {
                val failures = prefs.updateFailures + 1
                prefs.updateFailures = failures
                val stale = runCatching { engine.status().update.stale }.getOrDefault(false)
                UpdateScheduler.scheduleRetry(context, failures, stale)
                UpdateScheduler.schedulePeriodic(context, stale)
                if (stale) Notifier(context).listStale()
                false
            }
        }
    }
}
