package org.callguard.app

import android.content.Intent
import android.telecom.CallScreeningService
import androidx.test.ext.junit.runners.AndroidJUnit4
import androidx.test.platform.app.InstrumentationRegistry
import androidx.test.rule.ServiceTestRule
import org.callguard.Action
import org.callguard.CallInput
import org.callguard.Presentation
import org.callguard.ReasonCode
import org.callguard.Verification
import org.callguard.app.engine.EngineHolder
import org.callguard.app.screening.ScreeningService
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith

/** On an emulator or device (`./gradlew connectedAndroidTest`): the service binds as the
 *  telecom stack binds it, and DESIGN's examples are decided by the engine built for the
 *  phone's ABI from the list shipped in the assets. Not run on CI here. */
@RunWith(AndroidJUnit4::class)
class ScreeningInstrumentedTest {
    @get:Rule
    val service = ServiceTestRule()

    private val context get() = InstrumentationRegistry.getInstrumentation().targetContext

    private fun call(number: String?, verification: Verification = Verification.NOT_VERIFIED) =
        CallInput(number = number, presentation = Presentation.ALLOWED, verification = verification, isContact = false)

    @Test
    fun theScreeningServiceBinds() {
        val intent = Intent(context, ScreeningService::class.java).setAction(CallScreeningService.SERVICE_INTERFACE)
        assertNotNull(service.bindService(intent))
    }

    @Test
    fun designExamplesOnThePhone() {
        val engine = EngineHolder.get(context)
        val spoof = engine.checkCall(call("+852 12110"))
        assertEquals(Action.BLOCK, spoof.action)
        assertEquals(ReasonCode.SPOOFED_OFFICIAL, spoof.reasons[0].code)
        assertEquals(Action.ALLOW, engine.checkCall(call("110")).action)
        assertEquals(Action.BLOCK, engine.checkCall(call("110", Verification.FAILED)).action)
    }
}
