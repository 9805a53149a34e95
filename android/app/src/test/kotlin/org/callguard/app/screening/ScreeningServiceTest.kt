package org.callguard.app.screening

import android.net.Uri
import android.telecom.Call
import android.telecom.CallScreeningService.CallResponse
import android.telecom.TelecomManager
import org.callguard.app.TestEngines
import org.callguard.app.engine.EngineHolder
import org.junit.After
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/** DESIGN's examples and fail-open, through the service's onScreenCall. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class ScreeningServiceTest {
    @After
    fun reset() {
        EngineHolder.provider = null
    }

    /** A Call.Details with the fields the service reads (its constructors are hidden). */
    private fun details(number: String?, presentation: Int = TelecomManager.PRESENTATION_ALLOWED): Call.Details {
        val constructor = Call.Details::class.java.declaredConstructors.maxByOrNull { it.parameterCount }!!
        constructor.isAccessible = true
        val args = constructor.parameterTypes.map {
            when (it) {
                Int::class.javaPrimitiveType -> 0
                Long::class.javaPrimitiveType -> 0L
                Boolean::class.javaPrimitiveType -> false
                else -> null
            }
        }
        val details = constructor.newInstance(*args.toTypedArray()) as Call.Details
        fun set(name: String, value: Any?) = Call.Details::class.java.getDeclaredField(name).apply { isAccessible = true }.set(details, value)
        set("mHandle", number?.let { Uri.fromParts("tel", it, null) })
        set("mHandlePresentation", presentation)
        set("mCallDirection", Call.Details.DIRECTION_INCOMING)
        return details
    }

    private fun screen(details: Call.Details): CallResponse {
        val service = Robolectric.setupService(ScreeningService::class.java)
        service.onScreenCall(details)
        val deadline = System.currentTimeMillis() + 5_000
        while (System.currentTimeMillis() < deadline) {
            val got = shadowOf(service).lastRespondToCallInput
            if (got.isPresent) return got.get().callResponse
            Thread.sleep(10)
        }
        throw AssertionError("no respondToCall within 5 s")
    }

    @Test
    fun `a foreign calling code in front of the police number is rejected`() {
        TestEngines.demo().use { engine ->
            EngineHolder.provider = { engine }
            val response = screen(details("+85212110"))
            assertTrue(response.disallowCall && response.rejectCall && response.skipNotification)
        }
    }

    @Test
    fun `the real police rings`() {
        TestEngines.demo().use { engine ->
            EngineHolder.provider = { engine }
            assertFalse(screen(details("110")).disallowCall)
        }
    }

    @Test
    fun `an engine that cannot open fails open`() {
        EngineHolder.provider = { throw IllegalStateException("no engine") }
        assertFalse(screen(details("+85212110")).disallowCall)
    }
}
