package org.callguard.app.screening

import android.telecom.Call
import android.telecom.CallScreeningService
import org.callguard.Decision
import org.callguard.app.engine.Background
import org.callguard.app.engine.EngineHolder
import org.callguard.app.logic.Answer
import org.callguard.app.logic.CallResponsePlan
import org.callguard.app.logic.DeadlineBudget
import org.callguard.app.notify.Notifier
import org.callguard.app.settings.AppPrefs

/** Screens incoming calls once the user grants `ROLE_CALL_SCREENING`: asks the engine off
 *  the main thread and answers within the budget, failing open on any error or delay. */
class ScreeningService : CallScreeningService() {
    override fun onScreenCall(callDetails: Call.Details) {
        if (!CallDetails.isIncoming(callDetails)) {
            respond(callDetails, CallResponsePlan.FAIL_OPEN)
            return
        }
        val context = applicationContext
        DeadlineBudget(Background.worker, Background.timer, budgetMillis).race(
            work = { EngineHolder.get(context).screenCall(CallDetails.toInput(context, callDetails)) },
        ) { answer ->
            val decision: Decision? = (answer as? Answer.Decided)?.value
            val plan = CallResponsePlan.forDecision(decision, AppPrefs(context).blockPrefs)
            respond(callDetails, plan)
            if (decision != null) Notifier(context).call(decision, plan.notice)
        }
    }

    private fun respond(details: Call.Details, plan: CallResponsePlan) {
        val response = CallResponse.Builder().setDisallowCall(plan.disallow)
        if (plan.disallow) {
            response.setRejectCall(plan.reject).setSkipCallLog(plan.skipCallLog).setSkipNotification(plan.skipNotification)
        }
        respondToCall(details, response.build())
    }

    companion object {
        /** The answer's budget (tests shorten it). */
        @Volatile
        var budgetMillis: Long = DeadlineBudget.DEFAULT_BUDGET_MILLIS
    }
}
