package org.callguard.app.logic

import org.callguard.Category
import org.callguard.Decision

/** The words a notification needs, in the phone's language (Android resources; tests pass
 *  their own). */
interface Texts {
    /** The title for a kind of notice. */
    fun title(notice: Notice): String

    /** The category's name for people; `null` has a name too. */
    fun category(category: Category?): String

    /** The body from the engine's label, the category's name and the deciding reason. */
    fun body(label: String, category: String, reason: String): String
}

/** A notification's title and text. */
data class NotificationContent(val title: String, val body: String)

/** Notification text from a decision: the label, the category and why (the deciding
 *  reason's detail, which never holds the full number). */
object NotificationText {
    /** The text for a [notice] about a call decided as [decision]. */
    fun forCall(decision: Decision, notice: Notice, texts: Texts): NotificationContent {
        val reason = decision.reasons.firstOrNull()?.detail.orEmpty()
        return NotificationContent(
            title = texts.title(notice),
            body = texts.body(decision.label, texts.category(decision.category), reason),
        )
    }
}
