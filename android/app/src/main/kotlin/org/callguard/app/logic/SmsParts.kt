package org.callguard.app.logic

import org.callguard.SmsInput

/** One PDU's sender and text, as `SmsMessage` gives them. */
data class SmsPart(val sender: String?, val body: String?)

/** Joins the parts of multipart messages: Android delivers every part of a concatenated
 *  SMS in one `SMS_RECEIVED` broadcast, in order, so parts from one sender make one text. */
object SmsParts {
    /** One input per sender, in order of first appearance; parts without a sender are dropped. */
    fun join(parts: List<SmsPart>): List<SmsInput> =
        parts.filter { !it.sender.isNullOrBlank() }
            .groupBy { it.sender!! }
            .map { (sender, ofSender) -> SmsInput(sender = sender, text = ofSender.joinToString("") { it.body.orEmpty() }) }
}
