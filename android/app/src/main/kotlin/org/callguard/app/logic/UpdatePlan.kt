package org.callguard.app.logic

import kotlin.random.Random

/** When the update job runs, in plain Kotlin: a period with a flex window (the system picks
 *  a time inside it, so phones do not all ask the list site at once), unmetered networks
 *  unless the list has gone stale, and exponential back-off with jitter after a failure. */
object UpdatePlan {
    /** How often the list is refreshed. */
    const val PERIOD_MILLIS = 12 * 60 * 60 * 1000L

    /** The window at the end of each period in which the system may run the job. */
    const val FLEX_MILLIS = 3 * 60 * 60 * 1000L

    /** The first retry after a failure waits about this long. */
    const val BACKOFF_BASE_MILLIS = 15 * 60 * 1000L

    /** No retry waits longer than the period itself. */
    const val BACKOFF_CAP_MILLIS = PERIOD_MILLIS

    /** Whether the job waits for an unmetered network: yes, unless the list is stale (then
     *  any network will do, since protection is falling behind). */
    fun unmeteredOnly(listStale: Boolean): Boolean = !listStale

    /** The wait before retry number [failures] (1 after the first failure): base × 2^(n−1),
     *  capped, then a random point in its upper half, so retries spread out. */
    fun retryDelayMillis(failures: Int, random: Random = Random.Default): Long {
        require(failures >= 1) { "a retry follows a failure" }
        val exponent = (failures - 1).coerceAtMost(30)
        val delay = (BACKOFF_BASE_MILLIS shl exponent).coerceIn(BACKOFF_BASE_MILLIS, BACKOFF_CAP_MILLIS)
        return delay / 2 + random.nextLong(delay / 2 + 1)
    }
}
