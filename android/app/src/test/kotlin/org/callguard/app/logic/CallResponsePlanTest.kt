package org.callguard.app.logic

import org.callguard.Engine
import org.callguard.app.TestEngines
import org.callguard.app.TestEngines.call
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config

/** The engine's decisions, mapped to what `respondToCall` gets. */
// The Android bindings read android.os.Build (their cleaner): the framework comes from
// Robolectric, the engine is the real host library.
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class CallResponsePlanTest {
    @Test
    fun `a block disallows and rejects, skips the system notification and posts a quiet summary`() {
        TestEngines.demo().use { engine ->
            val plan = CallResponsePlan.forDecision(engine.checkCall(call("+852 12110")), BlockPrefs())
            assertEquals(CallResponsePlan(true, true, skipCallLog = false, skipNotification = true, notice = Notice.BLOCKED_SUMMARY), plan)
        }
    }

    @Test
    fun `the skip settings are the user's`() {
        TestEngines.demo().use { engine ->
            val decision = engine.checkCall(call("+86 170 0094 5041"))
            val plan = CallResponsePlan.forDecision(decision, BlockPrefs(skipNotification = false, skipCallLog = true))
            assertTrue(plan.disallow && plan.reject && plan.skipCallLog)
            assertFalse(plan.skipNotification)
            assertEquals("the system announces it, so the app does not", Notice.NONE, plan.notice)
        }
    }

    @Test
    fun `a warning rings with a notification, an allow rings silently`() {
        Engine.openInMemory("CN").use { engine ->
            val warn = CallResponsePlan.forDecision(engine.checkCall(call("+855 12 345 678")), BlockPrefs())
            assertEquals(CallResponsePlan.FAIL_OPEN.copy(notice = Notice.WARNING), warn)
            assertEquals(CallResponsePlan.FAIL_OPEN, CallResponsePlan.forDecision(engine.checkCall(call("110")), BlockPrefs()))
        }
    }

    @Test
    fun `no decision fails open`() {
        val plan = CallResponsePlan.forDecision(null, BlockPrefs())
        assertFalse(plan.disallow || plan.reject || plan.skipCallLog || plan.skipNotification)
        assertEquals(Notice.NONE, plan.notice)
    }
}
