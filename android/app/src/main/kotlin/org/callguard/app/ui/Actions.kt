package org.callguard.app.ui

import org.callguard.Action

/** The order of `@array/actions` (allow, warn, block), for the settings' spinners. */
object Actions {
    /** The spinner position of [action]. */
    fun position(action: Action): Int = Action.entries.indexOf(action)

    /** The action at spinner [position]. */
    fun at(position: Int): Action = Action.entries[position.coerceIn(0, Action.entries.size - 1)]

    /** The repeated-calls choices, in the order of `@array/repeated_calls` (0 is off). */
    val REPEATED_CALL_MINUTES = listOf(0u, 3u, 5u, 10u)
}
