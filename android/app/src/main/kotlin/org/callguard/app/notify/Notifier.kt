package org.callguard.app.notify

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.content.Context
import org.callguard.Category
import org.callguard.Decision
import org.callguard.app.R
import org.callguard.app.logic.Notice
import org.callguard.app.logic.NotificationText
import org.callguard.app.logic.Texts

/** Posts the app's notifications, one channel per kind. */
class Notifier(private val context: Context) {
    private val manager = context.getSystemService(NotificationManager::class.java)

    /** Posts [notice] about a call decided as [decision]; nothing if notifications are off. */
    fun call(decision: Decision, notice: Notice) {
        if (notice == Notice.NONE || manager == null || !manager.areNotificationsEnabled()) return
        val channel = if (notice == Notice.WARNING) CHANNEL_WARNINGS else CHANNEL_BLOCKED
        ensureChannels()
        val text = NotificationText.forCall(decision, notice, ResourceTexts(context))
        val notification = Notification.Builder(context, channel)
            .setSmallIcon(android.R.drawable.stat_sys_warning)
            .setContentTitle(text.title)
            .setContentText(text.body)
            .setStyle(Notification.BigTextStyle().bigText(text.body))
            .setAutoCancel(true)
            .build()
        manager.notify(ids++, notification)
    }

    private fun ensureChannels() {
        manager?.createNotificationChannels(
            listOf(
                NotificationChannel(CHANNEL_BLOCKED, context.getString(R.string.channel_blocked_calls), NotificationManager.IMPORTANCE_LOW),
                NotificationChannel(CHANNEL_WARNINGS, context.getString(R.string.channel_warnings), NotificationManager.IMPORTANCE_HIGH),
            ),
        )
    }

    companion object {
        /** Blocked calls: quiet (low importance), so the user knows without being disturbed. */
        const val CHANNEL_BLOCKED = "blocked_calls"

        /** Calls that ring with a warning. */
        const val CHANNEL_WARNINGS = "call_warnings"

        @Volatile
        private var ids = 1
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
        },
    )

    override fun body(label: String, category: String, reason: String): String =
        context.getString(R.string.notify_body, label, category, reason)
}
