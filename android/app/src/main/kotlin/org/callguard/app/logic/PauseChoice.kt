package org.callguard.app.logic

import java.time.Instant
import java.time.ZoneId

/** The pause lengths the settings screen offers; the engine keeps the pause and ends it. */
enum class PauseChoice {
    /** For one hour. */
    ONE_HOUR,

    /** Until the start of the next day, local time. */
    UNTIL_TOMORROW,

    /** Until the user resumes. */
    UNTIL_RESUMED,
    ;

    /** The end of the pause in Unix seconds for the engine's `pause`, `null` for "until I resume". */
    fun untilUnixSeconds(now: Instant, zone: ZoneId): Long? = when (this) {
        ONE_HOUR -> now.epochSecond + 3_600
        UNTIL_TOMORROW -> now.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toEpochSecond()
        UNTIL_RESUMED -> null
    }
}
