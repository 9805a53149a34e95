package org.callguard.app.sms

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.provider.Telephony
import org.callguard.Action
import org.callguard.app.engine.Background
import org.callguard.app.engine.EngineHolder
import org.callguard.app.logic.SmsPart
import org.callguard.app.logic.SmsParts
import org.callguard.app.notify.Notifier

/** `SMS_RECEIVED`: parses the PDUs, joins multipart messages, asks the engine off the main
 *  thread and warns by notification. Third-party apps cannot block SMS on Android, so a
 *  block is a warning too. The engine records the sender and decision, never the text. */
class SmsReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != Telephony.Sms.Intents.SMS_RECEIVED_ACTION) return
        val parts = Telephony.Sms.Intents.getMessagesFromIntent(intent).orEmpty()
            .filterNotNull()
            .map { SmsPart(sender = it.originatingAddress, body = it.messageBody) }
        if (parts.isEmpty()) return
        val app = context.applicationContext
        val pending = goAsync()
        Background.worker.execute {
            try {
                val engine = EngineHolder.get(app)
                for (message in SmsParts.join(parts)) {
                    val decision = engine.screenSms(message)
                    if (decision.action != Action.ALLOW) Notifier(app).sms(decision)
                }
            } catch (e: Exception) {
                // No engine, no list: the message stays as it is, nothing is warned about.
            } catch (e: LinkageError) {
                // libcallguard_ffi.so missing: the same.
            } finally {
                pending.finish()
            }
        }
    }
}
