package org.callguard.app.screening

import android.Manifest
import android.app.NotificationManager
import android.content.ContentProvider
import android.content.ContentValues
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.Build
import android.provider.ContactsContract
import android.telecom.Call
import android.telecom.CallScreeningService.CallResponse
import android.telecom.Connection
import android.telecom.TelecomManager
import org.callguard.Action
import org.callguard.Category
import org.callguard.Channel
import org.callguard.Engine
import org.callguard.ReasonCode
import org.callguard.RuleKind
import org.callguard.app.DemoEngine
import org.callguard.app.TestEngines
import org.callguard.app.engine.EngineHolder
import org.callguard.app.logic.DeadlineBudget
import org.callguard.app.notify.Notifier
import org.callguard.app.notify.ResourceTexts
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/** DESIGN's examples, contacts, hidden numbers, failed verification and fail-open, through
 *  the service's onScreenCall with the real engine; what respondToCall got and what was
 *  posted. Expected list answers come from the demo list's sources. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class ScreeningServiceTest {
    @get:Rule
    val demo = DemoEngine()
    private val engine: Engine get() = demo.engine
    private val app get() = RuntimeEnvironment.getApplication()
    private val notifications get() = shadowOf(app.getSystemService(NotificationManager::class.java))

    @After
    fun reset() {
        ScreeningService.budgetMillis = DeadlineBudget.DEFAULT_BUDGET_MILLIS
    }

    /** A Call.Details with the fields the service reads (its constructors are hidden). */
    private fun details(
        number: String?,
        presentation: Int = TelecomManager.PRESENTATION_ALLOWED,
        verification: Int = Connection.VERIFICATION_STATUS_NOT_VERIFIED,
    ): Call.Details {
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
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) set("mCallerNumberVerificationStatus", verification)
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

    private fun rejected(r: CallResponse) = r.disallowCall && r.rejectCall
    private fun rings(r: CallResponse) = !r.disallowCall && !r.rejectCall

    /** The one notification posted (the service posts it right after answering). */
    private fun posted(): android.app.Notification {
        val deadline = System.currentTimeMillis() + 2_000
        while (notifications.allNotifications.isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(10)
        Thread.sleep(50)
        return notifications.allNotifications.single()
    }

    private fun text(n: android.app.Notification) = n.extras.getCharSequence("android.text").toString()

    @Test
    fun `a foreign calling code in front of an official number is rejected, with a quiet summary`() {
        val official = TestEngines.csv("official.csv").first { it["region"] == "CN" }.getValue("number")
        val response = screen(details("+852$official"))
        assertTrue(rejected(response) && response.skipNotification)
        assertFalse(response.skipCallLog)
        val n = posted()
        assertEquals(Notifier.CHANNEL_BLOCKED, n.channelId)
        assertTrue(text(n).contains(ResourceTexts(app).category(Category.OFFICIAL_IMPERSONATION)))
        assertFalse("no number in the notification", text(n).contains("852$official"))
        val recorded = engine.history(1u).single()
        assertEquals(Channel.CALL, recorded.channel)
        assertEquals(ReasonCode.SPOOFED_OFFICIAL, recorded.decision.reasons[0].code)
    }

    @Test
    fun `the real official number rings silently`() {
        val official = TestEngines.csv("official.csv").first { it["region"] == "CN" }.getValue("number")
        assertTrue(rings(screen(details(official))))
        Thread.sleep(100)
        assertTrue(notifications.allNotifications.isEmpty())
    }

    @Test
    fun `an official number whose verification failed is rejected from API 30, rings before it`() {
        val official = TestEngines.csv("official.csv").first { it["region"] == "CN" }.getValue("number")
        val response = screen(details(official, verification = Connection.VERIFICATION_STATUS_FAILED))
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) {
            assertTrue(rejected(response))
            assertEquals(ReasonCode.SPOOFED_OFFICIAL, engine.history(1u).single().decision.reasons[0].code)
        } else {
            assertTrue("API 29 has no verification status: the official number rings", rings(response))
        }
    }

    @Test
    fun `a failed verification follows its setting from API 30`() {
        engine.updateSettings(engine.settings().copy(verificationFailed = Action.BLOCK))
        val number = "+86 138 0013 8000"
        assertEquals(Action.ALLOW, engine.checkCall(TestEngines.call(number)).action)
        val response = screen(details(number, verification = Connection.VERIFICATION_STATUS_FAILED))
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) {
            assertTrue(rejected(response))
            assertEquals(ReasonCode.VERIFICATION_FAILED, engine.history(1u).single().decision.reasons[0].code)
        } else {
            assertTrue(rings(response))
        }
    }

    @Test
    fun `listed numbers are answered as the list says, a warning with its category`() {
        val rows = TestEngines.csv("numbers.csv").filter { it["number"]!!.startsWith("+86") }
        val block = rows.first { it["action"] == "block" }
        assertTrue(rejected(screen(details(block.getValue("number")))))
        app.getSystemService(NotificationManager::class.java).cancelAll()

        val warn = rows.first { it["action"] == "warn" }
        assertTrue(rings(screen(details(warn.getValue("number")))))
        val n = posted()
        assertEquals(Notifier.CHANNEL_WARNINGS, n.channelId)
        val category = Category.valueOf(warn.getValue("category").uppercase())
        assertTrue(text(n).contains(ResourceTexts(app).category(category)))
        assertEquals(ReasonCode.LIST_NUMBER, engine.history(1u).single().decision.reasons[0].code)
    }

    @Test
    fun `a number in a listed range is answered as the range says`() {
        val range = TestEngines.csv("prefixes.csv").first { it["action"] == "block" && !it["number"]!!.contains('#') }
        val response = screen(details(range.getValue("number") + "123456"))
        assertTrue(rejected(response))
        assertTrue(engine.history(1u).single().decision.reasons.any { it.code == ReasonCode.LIST_PREFIX })
    }

    @Test
    fun `overseas calls switched off are rejected, and a contact still rings`() {
        engine.updateSettings(engine.settings().copy(overseasCalls = Action.BLOCK))
        val number = "+49 30 12345678"
        assertTrue("without READ_CONTACTS nobody is a contact", rejected(screen(details(number))))
        assertEquals(ReasonCode.OVERSEAS_CALL, engine.history(1u).single().decision.reasons[0].code)

        shadowOf(app).grantPermissions(Manifest.permission.READ_CONTACTS)
        Robolectric.buildContentProvider(Contacts::class.java).create(ContactsContract.AUTHORITY)
        Contacts.numbers = setOf(number)
        assertTrue(rings(screen(details(number))))
        assertEquals(ReasonCode.CONTACT, engine.history(1u).single().decision.reasons[0].code)
        assertTrue("the lookup went through PhoneLookup", Contacts.asked.any { it.startsWith(ContactsContract.PhoneLookup.CONTENT_FILTER_URI.toString()) })
    }

    @Test
    fun `hidden numbers follow their setting`() {
        val hidden = details(null, presentation = TelecomManager.PRESENTATION_RESTRICTED)
        val expected = engine.settings().hiddenNumbers
        assertEquals(expected == Action.BLOCK, rejected(screen(hidden)))
        engine.updateSettings(engine.settings().copy(hiddenNumbers = Action.BLOCK))
        assertTrue(rejected(screen(details(null, presentation = TelecomManager.PRESENTATION_RESTRICTED))))
        val recorded = engine.history(1u).single()
        assertEquals("hidden", recorded.subject)
        assertEquals(ReasonCode.HIDDEN_NUMBER, recorded.decision.reasons[0].code)
    }

    @Test
    fun `the user's rules come first`() {
        val listed = TestEngines.csv("numbers.csv").first { it["action"] == "block" }.getValue("number")
        engine.addRule(RuleKind.ALLOW, listed)
        assertTrue(rings(screen(details(listed))))
        engine.addRule(RuleKind.BLOCK, "+86 138 0013 8000")
        assertTrue(rejected(screen(details("+8613800138000"))))
    }

    @Test
    fun `while paused every call rings`() {
        val listed = TestEngines.csv("numbers.csv").first { it["action"] == "block" }.getValue("number")
        engine.pause(null)
        assertTrue(rings(screen(details(listed))))
        engine.resume()
        assertTrue(rejected(screen(details(listed))))
    }

    @Test
    fun `a second call within the repeated-calls window rings`() {
        engine.updateSettings(engine.settings().copy(overseasCalls = Action.BLOCK, repeatedCallsMinutes = 3u))
        assertTrue(rejected(screen(details("+49 30 12345678"))))
        assertTrue(rings(screen(details("+49 30 12345678"))))
        assertEquals(ReasonCode.REPEATED_CALL, engine.history(1u).single().decision.reasons[0].code)
    }

    @Test
    fun `the skip settings are the user's`() {
        org.callguard.app.settings.AppPrefs(app).blockPrefs =
            org.callguard.app.logic.BlockPrefs(skipNotification = false, skipCallLog = true)
        val listed = TestEngines.csv("numbers.csv").first { it["action"] == "block" }.getValue("number")
        val response = screen(details(listed))
        assertTrue(rejected(response) && response.skipCallLog && !response.skipNotification)
        Thread.sleep(100)
        assertTrue("the system announces it, so the app does not", notifications.allNotifications.isEmpty())
    }

    @Test
    fun `an engine slower than the budget fails open, and nothing is posted`() {
        ScreeningService.budgetMillis = 100
        EngineHolder.provider = { Thread.sleep(600); engine }
        val started = System.nanoTime()
        val official = TestEngines.csv("official.csv").first().getValue("number")
        val response = screen(details("+852$official"))
        assertTrue(rings(response))
        assertTrue("answered by the budget", (System.nanoTime() - started) / 1_000_000 < 500)
        Thread.sleep(700)
        assertTrue(notifications.allNotifications.isEmpty())
    }

    @Test
    fun `an engine that cannot open fails open`() {
        EngineHolder.provider = { throw IllegalStateException("no engine") }
        assertTrue(rings(screen(details("+85212110"))))
    }

    /** A contacts provider that knows [numbers] (PhoneLookup's last path segment). */
    class Contacts : ContentProvider() {
        override fun onCreate() = true
        override fun query(uri: Uri, projection: Array<out String>?, selection: String?, args: Array<out String>?, sort: String?): Cursor {
            asked += uri.toString()
            val cursor = MatrixCursor(arrayOf(ContactsContract.PhoneLookup._ID))
            if (uri.lastPathSegment in numbers) cursor.addRow(arrayOf<Any>(1))
            return cursor
        }
        override fun getType(uri: Uri): String? = null
        override fun insert(uri: Uri, values: ContentValues?): Uri? = null
        override fun delete(uri: Uri, selection: String?, args: Array<out String>?) = 0
        override fun update(uri: Uri, values: ContentValues?, selection: String?, args: Array<out String>?) = 0

        companion object {
            @Volatile
            var numbers: Set<String> = emptySet()
            val asked = java.util.concurrent.CopyOnWriteArrayList<String>()
        }
    }
}
