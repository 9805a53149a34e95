package org.callguard.app.logic

import java.util.concurrent.Executor
import java.util.concurrent.RejectedExecutionException
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

/** Why an answer was given without the engine's decision. */
enum class FailOpen {
    /** The work did not finish within the budget. */
    TIMEOUT,

    /** The work threw (engine error, missing list or native library). */
    ERROR,
}

/** The outcome of [DeadlineBudget.race]: the work's value, or why it was not waited for. */
sealed interface Answer<out T> {
    /** The work finished in time. */
    data class Decided<T>(val value: T) : Answer<T>

    /** The caller must fail open. */
    data class FailedOpen(val why: FailOpen) : Answer<Nothing>
}

/**
 * Android rings a call whose `respondToCall` comes later than 5 s; the app answers by its
 * own budget (4 s), off the main thread, exactly once: with the decision if it came in time,
 * else a fail-open answer.
 */
class DeadlineBudget(
    private val worker: Executor,
    private val timer: ScheduledExecutorService,
    private val budgetMillis: Long = DEFAULT_BUDGET_MILLIS,
) {
    /** Runs [work] on the worker and calls [onAnswer] once, on the worker or timer thread. */
    fun <T> race(work: () -> T, onAnswer: (Answer<T>) -> Unit) {
        val answered = AtomicBoolean(false)
        val answer = { a: Answer<T> -> if (answered.compareAndSet(false, true)) onAnswer(a) }
        val timeout = timer.schedule({ answer(Answer.FailedOpen(FailOpen.TIMEOUT)) }, budgetMillis, TimeUnit.MILLISECONDS)
        try {
            worker.execute {
                val result: Answer<T> = try {
                    Answer.Decided(work())
                } catch (e: Exception) {
                    Answer.FailedOpen(FailOpen.ERROR)
                } catch (e: LinkageError) {
                    // libcallguard_ffi.so missing or unloadable: protection is off, the phone rings.
                    Answer.FailedOpen(FailOpen.ERROR)
                }
                timeout.cancel(false)
                answer(result)
            }
        } catch (e: RejectedExecutionException) {
            timeout.cancel(false)
            answer(Answer.FailedOpen(FailOpen.ERROR))
        }
    }

    companion object {
        /** A second under Android's 5 s, for a slow phone's scheduling. */
        const val DEFAULT_BUDGET_MILLIS = 4_000L
    }
}
