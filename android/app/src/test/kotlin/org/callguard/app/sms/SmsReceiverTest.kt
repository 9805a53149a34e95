package org.callguard.app.sms

import android.app.NotificationManager
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Looper
import android.provider.Telephony
import org.callguard.Action
import org.callguard.Channel
import org.callguard.ReasonCode
import org.callguard.SmsInput
import org.callguard.app.TestEngines
import org.callguard.app.engine.EngineHolder
import org.callguard.app.notify.Notifier
import org.callguard.app.notify.ResourceTexts
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.io.ByteArrayOutputStream

/** A two-part SMS, as GSM SMS-DELIVER PDUs, through the manifest-declared receiver. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class SmsReceiverTest {
    private val app get() = RuntimeEnvironment.getApplication()

    @After
    fun reset() {
        EngineHolder.provider = null
    }

    /** One SMS-DELIVER PDU (no SMSC), UCS-2, with a concatenation header. */
    private fun deliverPdu(sender: String, text: String, ref: Int, total: Int, seq: Int): ByteArray {
        val out = ByteArrayOutputStream()
        out.write(0x00) // no SMSC address
        out.write(0x44) // SMS-DELIVER, more-messages-to-send off, user data header present
        val digits = sender.removePrefix("+")
        out.write(digits.length)
        out.write(if (sender.startsWith("+")) 0x91 else 0x81)
        (if (digits.length % 2 == 1) digits + "F" else digits).chunked(2).forEach { pair ->
            out.write(((pair[1].digitToInt(16)) shl 4) or pair[0].digitToInt(16))
        }
        out.write(0x00) // protocol identifier
        out.write(0x08) // UCS-2
        byteArrayOf(0x62, 0x21, 0x20, 0x10, 0x00, 0x00, 0x23).forEach { out.write(it.toInt()) } // 2026-12-02 01:00:00 +8
        val body = text.toByteArray(Charsets.UTF_16BE)
        val header = byteArrayOf(0x05, 0x00, 0x03, ref.toByte(), total.toByte(), seq.toByte())
        out.write(header.size + body.size)
        out.write(header)
        out.write(body)
        return out.toByteArray()
    }

    @Test
    fun `the receiver is declared for SMS_RECEIVED and protected by BROADCAST_SMS`() {
        val info = app.packageManager.getPackageInfo(app.packageName, PackageManager.GET_RECEIVERS)
        val receiver = info.receivers.single { it.name == SmsReceiver::class.java.name }
        assertEquals(android.Manifest.permission.BROADCAST_SMS, receiver.permission)
        assertTrue(receiver.exported)
        assertTrue(shadowOf(app).hasReceiverForIntent(Intent(Telephony.Sms.Intents.SMS_RECEIVED_ACTION)))
    }

    @Test
    fun `a multipart SMS is joined, decided and warned about, and its text is not kept`() {
        val domain = TestEngines.demoSources.resolve("domains.txt").readLines()
            .first { it.isNotBlank() && !it.startsWith("#") }.trim()
        val sender = "+8613912345678"
        // The link is cut in two by the part boundary: only the joined text holds it.
        val cut = domain.length / 2
        val first = "Your parcel is held at customs. Pay the fee within 24 hours at https://${domain.substring(0, cut)}"
        val second = "${domain.substring(cut)}/pay or it goes back to the sender."
        TestEngines.demo().use { engine ->
            EngineHolder.provider = { engine }
            val joined = engine.checkSms(SmsInput(sender, first + second))
            assertNotEquals(Action.ALLOW, joined.action)
            assertTrue(joined.reasons.any { it.code == ReasonCode.SMS_DOMAIN })
            assertFalse(engine.checkSms(SmsInput(sender, first)).reasons.any { it.code == ReasonCode.SMS_DOMAIN })

            val intent = Intent(Telephony.Sms.Intents.SMS_RECEIVED_ACTION)
                .putExtra("pdus", arrayOf<Any>(deliverPdu(sender, first, 7, 2, 1), deliverPdu(sender, second, 7, 2, 2)))
                .putExtra("format", "3gpp")
            val parsed = Telephony.Sms.Intents.getMessagesFromIntent(intent)
            assertEquals("two real PDUs", 2, parsed.size)
            assertEquals(sender, parsed[0].originatingAddress)
            assertEquals(second, parsed[1].messageBody)

            app.sendBroadcast(intent)
            val manager = shadowOf(app.getSystemService(NotificationManager::class.java))
            val deadline = System.currentTimeMillis() + 5_000
            while (manager.allNotifications.isEmpty() && System.currentTimeMillis() < deadline) {
                shadowOf(Looper.getMainLooper()).idle()
                Thread.sleep(10)
            }
            val n = manager.allNotifications.single()
            assertEquals(Notifier.CHANNEL_SMS, n.channelId)
            assertEquals(android.app.Notification.CATEGORY_MESSAGE, n.category)
            val body = n.extras.getCharSequence("android.text").toString()
            assertTrue(body.contains(ResourceTexts(app).category(joined.category)))
            assertTrue(body.contains(joined.reasons[0].detail))
            assertFalse("the message text is not in the notification", body.contains("customs"))

            val recorded = engine.history(1u).single()
            assertEquals(Channel.SMS, recorded.channel)
            assertEquals(sender, recorded.subject)
            val kept = recorded.toString()
            assertFalse("no part of the text is kept", kept.contains(first) || kept.contains(second) || kept.contains("Pay the fee"))
        }
    }
}
