package org.callguard.app.logic

import org.callguard.Action
import org.callguard.Decision

/** The user's choices for blocked calls (settings): skip the system's missed-call
 *  notification by default, since blocked calls that still ring a notification are a top
 *  complaint; the app then posts a quiet summary of its own. */
data class BlockPrefs(val skipNotification: Boolean = true, val skipCallLog: Boolean = false)

/** What the app posts beside its answer to the call. */
enum class Notice {
    /** Nothing to say. */
    NONE,

    /** A blocked call the system will not announce: the app's quiet summary. */
    BLOCKED_SUMMARY,

    /** The call rings; the notification shows the label and category. */
    WARNING,
}

/** What `respondToCall` receives, in plain Kotlin: the screening service copies it into a
 *  `CallResponse`. The engine decides; this only translates its action. */
data class CallResponsePlan(
    val disallow: Boolean,
    val reject: Boolean,
    val skipCallLog: Boolean,
    val skipNotification: Boolean,
    val notice: Notice,
) {
    companion object {
        /** Let the call ring and say nothing: no decision, an error or a missed deadline. */
        val FAIL_OPEN = CallResponsePlan(
            disallow = false, reject = false, skipCallLog = false, skipNotification = false, notice = Notice.NONE,
        )

        /** Block → disallow + reject (+ the user's skip choices), warn → ring + notification,
         *  allow or no decision → ring. */
        fun forDecision(decision: Decision?, prefs: BlockPrefs): CallResponsePlan = when (decision?.action) {
            null, Action.ALLOW -> FAIL_OPEN
            Action.WARN -> FAIL_OPEN.copy(notice = Notice.WARNING)
            Action.BLOCK -> CallResponsePlan(
                disallow = true,
                reject = true,
                skipCallLog = prefs.skipCallLog,
                skipNotification = prefs.skipNotification,
                notice = if (prefs.skipNotification) Notice.BLOCKED_SUMMARY else Notice.NONE,
            )
        }
    }
}
