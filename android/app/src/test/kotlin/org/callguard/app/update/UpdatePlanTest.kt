package org.callguard.app.update

import org.callguard.app.logic.UpdatePlan
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import kotlin.random.Random

/** The job's back-off and jitter, on the JVM. */
class UpdatePlanTest {
    @Test
    fun `retries back off exponentially, with jitter in the upper half, capped at the period`() {
        val random = Random(42)
        for (failures in 1..12) {
            val full = (UpdatePlan.BACKOFF_BASE_MILLIS shl (failures - 1)).coerceAtMost(UpdatePlan.BACKOFF_CAP_MILLIS)
            val delays = (1..200).map { UpdatePlan.retryDelayMillis(failures, random) }
            assertTrue(delays.all { it in full / 2..full })
            assertTrue("jittered", delays.toSet().size > 100)
        }
        assertTrue(UpdatePlan.retryDelayMillis(1_000, random) <= UpdatePlan.PERIOD_MILLIS)
    }

    @Test
    fun `unmetered only while the list is fresh`() {
        assertTrue(UpdatePlan.unmeteredOnly(listStale = false))
        assertFalse(UpdatePlan.unmeteredOnly(listStale = true))
        assertTrue(UpdatePlan.FLEX_MILLIS in 1 until UpdatePlan.PERIOD_MILLIS)
        assertEquals(12 * 3_600_000L, UpdatePlan.PERIOD_MILLIS)
    }
}
