package org.callguard.app.screening

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.provider.ContactsContract
import android.telecom.Call
import android.telecom.Connection
import android.telecom.TelecomManager
import org.callguard.CallInput
import org.callguard.Presentation
import org.callguard.Verification

/** Translates a `Call.Details` into the engine's `CallInput`: nothing is decided here. */
object CallDetails {
    /** Only incoming calls are screened. */
    fun isIncoming(details: Call.Details): Boolean = details.callDirection == Call.Details.DIRECTION_INCOMING

    /** The input for [details]; looks the number up in the contacts when allowed. */
    fun toInput(context: Context, details: Call.Details): CallInput {
        val number = details.handle?.takeIf { it.scheme == "tel" }?.schemeSpecificPart?.takeIf { it.isNotBlank() }
        return CallInput(
            number = number,
            presentation = presentation(details.handlePresentation),
            verification = verification(details),
            isContact = number != null && isContact(context, number),
        )
    }

    private fun presentation(value: Int): Presentation = when (value) {
        TelecomManager.PRESENTATION_ALLOWED -> Presentation.ALLOWED
        TelecomManager.PRESENTATION_RESTRICTED -> Presentation.RESTRICTED
        TelecomManager.PRESENTATION_PAYPHONE -> Presentation.PAYPHONE
        else -> Presentation.UNKNOWN
    }

    private fun verification(details: Call.Details): Verification {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.R) return Verification.NOT_VERIFIED
        return when (details.callerNumberVerificationStatus) {
            Connection.VERIFICATION_STATUS_PASSED -> Verification.PASSED
            Connection.VERIFICATION_STATUS_FAILED -> Verification.FAILED
            else -> Verification.NOT_VERIFIED
        }
    }

    /** Whether [number] is in the address book; `false` without READ_CONTACTS. Only this
     *  yes/no leaves the phone's contacts, and only to the engine. */
    private fun isContact(context: Context, number: String): Boolean {
        if (context.checkSelfPermission(Manifest.permission.READ_CONTACTS) != PackageManager.PERMISSION_GRANTED) return false
        val uri = Uri.withAppendedPath(ContactsContract.PhoneLookup.CONTENT_FILTER_URI, Uri.encode(number))
        return context.contentResolver.query(uri, arrayOf(ContactsContract.PhoneLookup._ID), null, null, null)
            ?.use { it.count > 0 } ?: false
    }
}
