package org.callguard.app.logic

/** What the status screen says, with the one action that fixes it; the first problem wins. */
enum class StatusKind {
    /** Callguard is not the call screening app: ask for the role. */
    ROLE_MISSING,

    /** The user paused protection: offer to resume. */
    PAUSED,

    /** The list has not been updated for a while: offer "update now". */
    LIST_STALE,

    /** Nothing to fix. */
    PROTECTED,
    ;

    companion object {
        /** The status from the role, the engine's pause and its list freshness. */
        fun of(roleHeld: Boolean, paused: Boolean, listStale: Boolean): StatusKind = when {
            !roleHeld -> ROLE_MISSING
            paused -> PAUSED
            listStale -> LIST_STALE
            else -> PROTECTED
        }
    }
}
