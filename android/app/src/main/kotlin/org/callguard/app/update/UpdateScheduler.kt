package org.callguard.app.update

import android.app.job.JobInfo
import android.app.job.JobScheduler
import android.content.ComponentName
import android.content.Context
import org.callguard.app.logic.UpdatePlan

/** Puts the update job in `JobScheduler`: the periodic refresh, and a one-off retry after a
 *  failure. Both survive a reboot. */
object UpdateScheduler {
    /** The periodic job's id. */
    const val PERIODIC_JOB = 1

    /** The retry's id. */
    const val RETRY_JOB = 2

    /** Schedules the periodic job unless it is pending with the same network rule. */
    fun schedulePeriodic(context: Context, listStale: Boolean = false) {
        val jobs = context.getSystemService(JobScheduler::class.java) ?: return
        val network = networkType(listStale)
        if (jobs.getPendingJob(PERIODIC_JOB)?.networkType == network) return
        jobs.schedule(
            JobInfo.Builder(PERIODIC_JOB, component(context))
                .setPeriodic(UpdatePlan.PERIOD_MILLIS, UpdatePlan.FLEX_MILLIS)
                .setRequiredNetworkType(network)
                .setPersisted(true)
                .build(),
        )
    }

    /** Schedules one retry after [failures] failures in a row. */
    fun scheduleRetry(context: Context, failures: Int, listStale: Boolean) {
        val jobs = context.getSystemService(JobScheduler::class.java) ?: return
        jobs.schedule(
            JobInfo.Builder(RETRY_JOB, component(context))
                .setMinimumLatency(UpdatePlan.retryDelayMillis(failures))
                .setRequiredNetworkType(networkType(listStale))
                .setPersisted(true)
                .build(),
        )
    }

    /** Cancels a pending retry (after a success). */
    fun cancelRetry(context: Context) {
        context.getSystemService(JobScheduler::class.java)?.cancel(RETRY_JOB)
    }

    private fun networkType(listStale: Boolean) =
        if (UpdatePlan.unmeteredOnly(listStale)) JobInfo.NETWORK_TYPE_UNMETERED else JobInfo.NETWORK_TYPE_ANY

    private fun component(context: Context) = ComponentName(context, UpdateJobService::class.java)
}
