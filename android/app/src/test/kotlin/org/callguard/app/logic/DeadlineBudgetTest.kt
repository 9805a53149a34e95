package org.callguard.app.logic

import org.callguard.Engine
import org.callguard.app.TestEngines
import org.callguard.app.TestEngines.call
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** The answer comes once, in time: the decision, or fail-open on an error or a delay. */
// The Android bindings read android.os.Build (their cleaner): the framework comes from
// Robolectric, the engine is the real host library.
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class DeadlineBudgetTest {
    private val worker = Executors.newCachedThreadPool()
    private val timer = Executors.newSingleThreadScheduledExecutor()

    @After
    fun stop() {
        worker.shutdownNow()
        timer.shutdownNow()
    }

    private fun <T> answers(budgetMillis: Long, waitMillis: Long, work: () -> T): List<Answer<T>> {
        val got = CopyOnWriteArrayList<Answer<T>>()
        val first = CountDownLatch(1)
        DeadlineBudget(worker, timer, budgetMillis).race(work) { got.add(it); first.countDown() }
        assertTrue("an answer within the budget", first.await(budgetMillis + 2_000, TimeUnit.MILLISECONDS))
        Thread.sleep(waitMillis) // anything late would arrive meanwhile
        return got
    }

    @Test
    fun `the engine's decision arrives within the default budget`() {
        TestEngines.demo().use { engine ->
            val got = answers(DeadlineBudget.DEFAULT_BUDGET_MILLIS, 50) { engine.screenCall(call("+852 12110")) }
            assertEquals(1, got.size)
            assertEquals(org.callguard.Action.BLOCK, (got[0] as Answer.Decided).value.action)
        }
    }

    @Test
    fun `work past the budget fails open once, and its late result is dropped`() {
        val started = System.nanoTime()
        val got = answers(100, 600) { Thread.sleep(400); "late" }
        assertEquals(listOf<Answer<String>>(Answer.FailedOpen(FailOpen.TIMEOUT)), got)
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 100)
    }

    @Test
    fun `an engine error fails open`() {
        // An unknown home region: the engine refuses to open, as it would with a broken store.
        val got = answers(1_000, 50) { Engine.openInMemory("XX") }
        assertEquals(listOf<Answer<Engine>>(Answer.FailedOpen(FailOpen.ERROR)), got)
    }

    @Test
    fun `a missing native library fails open`() {
        val got = answers(1_000, 50) { throw UnsatisfiedLinkError("no callguard_ffi") }
        assertEquals(listOf<Answer<Nothing>>(Answer.FailedOpen(FailOpen.ERROR)), got)
    }
}
