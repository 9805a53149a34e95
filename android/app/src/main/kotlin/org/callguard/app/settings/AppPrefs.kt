package org.callguard.app.settings

import android.content.Context
import android.content.SharedPreferences
import org.callguard.app.logic.BlockPrefs

/** The app's own choices, which are about Android and not decisions: how a blocked call is
 *  answered (skip-notification, skip-call-log) and the update job's retry count. Every rule
 *  lives in the engine's settings. */
class AppPrefs(context: Context) {
    private val prefs: SharedPreferences = context.applicationContext.getSharedPreferences(FILE, Context.MODE_PRIVATE)

    /** How blocked calls are answered; by default the system notification is skipped and
     *  the app posts its own quiet summary. */
    var blockPrefs: BlockPrefs
        get() = BlockPrefs(
            skipNotification = prefs.getBoolean(SKIP_NOTIFICATION, BlockPrefs().skipNotification),
            skipCallLog = prefs.getBoolean(SKIP_CALL_LOG, BlockPrefs().skipCallLog),
        )
        set(value) {
            prefs.edit().putBoolean(SKIP_NOTIFICATION, value.skipNotification).putBoolean(SKIP_CALL_LOG, value.skipCallLog).apply()
        }

    /** Failed update runs in a row (the back-off's exponent); 0 after a success. */
    var updateFailures: Int
        get() = prefs.getInt(UPDATE_FAILURES, 0)
        set(value) {
            prefs.edit().putInt(UPDATE_FAILURES, value).apply()
        }

    private companion object {
        const val FILE = "callguard"
        const val SKIP_NOTIFICATION = "skip_notification"
        const val SKIP_CALL_LOG = "skip_call_log"
        const val UPDATE_FAILURES = "update_failures"
    }
}
