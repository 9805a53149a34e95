package org.callguard.app.notify

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.content.Context
import org.callguard.Category
import org.callguard.Decision
import org.callguard.app.R
import org.callguard.app.logic.Notice
import org.callguard.app.logic.NotificationContent
import org.callguard.app.logic.NotificationText
import org.callguard.app.logic.Texts
import java.util.concurrent.atomic.AtomicInteger

/** Posts the app's notifications, one channel per kind (blocked calls, call warnings, SMS
 *  warnings, updates). Text comes from the decision's label, category and reason: never a
 *  number or a message text. */
class Notifier(private val context: Context) {
    private val manager = context.getSystemService(NotificationManager::class.java)

    /** Posts [notice] about a call decided as [decision]; nothing if notifications are off. */
    fun call(decision: Decision, notice: Notice) {
        if (notice == Notice.NONE) return
        val channel = if (notice == Notice.WARNING) CHANNEL_WARNINGS else CHANNEL_BLOCKED
        post(channel, NotificationText.forCall(decision, notice, ResourceTexts(context)), Notification.CATEGORY_CALL)
    }

    /** Warns about an SMS the engine did not allow (Android does not let the app block it). */
    fun sms(decision: Decision) {
        val texts = ResourceTexts(context)
        val text = NotificationText.forCall(decision, Notice.WARNING, texts).copy(title = context.getString(R.string.notify_sms_warning))
        post(CHANNEL_SMS, text, Notification.CATEGORY_MESSAGE)
    }

    /** Says the list could not be updated for a while (it still protects). */
    fun listStale() {
        post(
            CHANNEL_UPDATES,
            NotificationContent(context.getString(R.string.notify_list_stale), context.getString(R.string.notify_list_stale_body)),
            Notification.CATEGORY_STATUS,
        )
    }

    private fun post(channel: String, text: NotificationContent, category: String) {
        if (manager == null || !manager.areNotificationsEnabled()) return
        ensureChannels(context)
        val notification = Notification.Builder(context, channel)
            .setSmallIcon(android.R.drawable.stat_sys_warning)
            .setContentTitle(text.title)
            .setContentText(text.body)
            .setStyle(Notification.BigTextStyle().bigText(text.body))
            .setCategory(category)
            .setAutoCancel(true)
            .build()
        manager.notify(ids.getAndIncrement(), notification)
    }

    companion object {
        /** Blocked calls: quiet (low importance), so the user knows without being disturbed. */
        const val CHANNEL_BLOCKED = "blocked_calls"

        /** Calls that ring with a warning. */
        const val CHANNEL_WARNINGS = "call_warnings"

        /** SMS the engine warns about. */
        const val CHANNEL_SMS = "sms_warnings"

        /** The list's updates (only when it has gone stale). */
        const val CHANNEL_UPDATES = "updates"

        private val ids = AtomicInteger(1)

        /** Creates the four channels (idempotent; names in the phone's language). */
        fun ensureChannels(context: Context) {
            context.getSystemService(NotificationManager::class.java)?.createNotificationChannels(
                listOf(
                    NotificationChannel(CHANNEL_BLOCKED, context.getString(R.string.channel_blocked_calls), NotificationManager.IMPORTANCE_LOW),
                    NotificationChannel(CHANNEL_WARNINGS, context.getString(R.string.channel_warnings), NotificationManager.IMPORTANCE_HIGH),
                    NotificationChannel(CHANNEL_SMS, context.getString(R.string.channel_sms_warnings), NotificationManager.IMPORTANCE_HIGH),
                    NotificationChannel(CHANNEL_UPDATES, context.getString(R.string.channel_updates), NotificationManager.IMPORTANCE_MIN),
                ),
            )
        }
    }
}

/** [Texts] from the app's string resources (English and Simplified Chinese). */
class ResourceTexts(private val context: Context) : Texts {
    override fun title(notice: Notice): String = context.getString(
        if (notice == Notice.WARNING) R.string.notify_call_warning else R.string.notify_call_blocked,
    )

    override fun category(category: Category?): String = context.getString(
        when (category) {
            null -> R.string.category_none
            Category.OFFICIAL_IMPERSONATION -> R.string.category_official_impersonation
            Category.FAKE_CUSTOMER_SERVICE -> R.string.category_fake_customer_service
            Category.LOAN_CREDIT -> R.string.category_loan_credit
            Category.INVESTMENT -> R.string.category_investment
            Category.ACQUAINTANCE_IMPERSONATION -> R.string.category_acquaintance_impersonation
            Category.TASK_SCAM -> R.string.category_task_scam
            Category.PRIZE -> R.string.category_prize
            Category.DELIVERY -> R.string.category_delivery
            Category.ACCOUNT_PHISHING -> R.string.category_account_phishing
            Category.ROMANCE -> R.string.category_romance
            Category.GAMING_TRADE -> R.string.category_gaming_trade
            Category.TELEMARKETING -> R.string.category_telemarketing
            Category.SPAM -> R.string.category_spam
            Category.REPORTED_FRAUD -> R.string.category_reported_fraud
            Category.SUSPECTED_FRAUD -> R.string.category_suspected_fraud
        },
    )

    override fun body(label: String, category: String, reason: String): String =
        context.getString(R.string.notify_body, label, category, reason)
}
